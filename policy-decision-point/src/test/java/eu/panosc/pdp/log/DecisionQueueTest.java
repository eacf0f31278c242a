package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
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
