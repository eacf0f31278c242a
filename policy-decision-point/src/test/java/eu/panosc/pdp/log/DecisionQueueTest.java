package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionQueueTest {
  static LogEntry entry(int i) {
    return new LogEntry(UUID.randomUUID(), Instant.EPOCH, "evaluation", i, null, null, null, null, null);
  }

  @Test
  void offerWhenFullThenDroppedAndCountedWithoutBlocking() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DecisionQueue queue = new DecisionQueue(3, meters);
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      if (queue.offer(entry(i))) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(3);
    assertThat(queue.size()).isEqualTo(3);
    assertThat(meters.counter(DecisionQueue.METER_DROPPED).count()).isEqualTo(7.0);
    assertThat(meters.get(DecisionQueue.METER_QUEUE).gauge().value()).isEqualTo(3.0);
    // the oldest are kept, in order; polled room is offered again
    assertThat(queue.poll(2)).extracting(LogEntry::item).containsExactly(0, 1);
    assertThat(queue.offer(entry(10))).isTrue();
    assertThat(queue.poll(100)).extracting(LogEntry::item).containsExactly(2, 10);
    assertThat(queue.poll(100)).isEmpty();
  }

  @Test
  void offerWhenClosedThenDroppedButQueuedStillPolled() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DecisionQueue queue = new DecisionQueue(10, meters);
    queue.offer(entry(0));
    queue.close();
    assertThat(queue.offer(entry(1))).isFalse();
    assertThat(queue.dropped()).isEqualTo(1.0);
    assertThat(queue.poll(10)).hasSize(1);
  }

  @Test
  void offerWhenManyThreadsAndADrainerThenEveryEntryEitherTakenOnceOrCountedDropped() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DecisionQueue queue = new DecisionQueue(2_000, meters);
    int threads = 4;
    int each = 20_000;
    java.util.concurrent.ConcurrentHashMap<Integer, Boolean> taken = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread drainer = new Thread(() -> {
      while (producing.get() || queue.size() > 0) {
        for (LogEntry e : queue.poll(100)) {
          assertThat(taken.put(e.item(), true)).as("entry %s taken twice", e.item()).isNull();
        }
        assertThat(queue.size()).isBetween(0, 2_000);
      }
    });
    drainer.start();
    List<Thread> producers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * each;
      Thread p = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          if (queue.offer(entry(base + i))) {
            accepted.incrementAndGet();
          }
        }
      });
      producers.add(p);
      p.start();
    }
    for (Thread p : producers) {
      p.join();
    }
    producing.set(false);
    drainer.join();
    assertThat(taken).hasSize(accepted.get());
    assertThat(accepted.get() + (long) meters.counter(DecisionQueue.METER_DROPPED).count()).isEqualTo(threads * each);
    assertThat(queue.size()).isZero();
    assertThat(meters.get(DecisionQueue.METER_QUEUE).gauge().value()).isZero();
  }

  @Test
  void idsWhenGeneratedThenVersion7UniqueAndTimeOrdered() {
    Instant t = Instant.parse("2026-11-26T08:00:00Z");
    UUID a = DecisionIds.next(t);
    UUID b = DecisionIds.next(t.plusMillis(1));
    assertThat(a.version()).isEqualTo(7);
    assertThat(a.variant()).isEqualTo(2);
    assertThat(a.getMostSignificantBits() >>> 16).isEqualTo(t.toEpochMilli());
    assertThat(Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits())).isNegative();
    assertThat(DecisionIds.next(t)).isNotEqualTo(a);
  }
}
