package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageShipperTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-07T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Answers the scripted outcomes in order, then ACCEPTED; remembers what it was sent. */
  static final class ScriptedSink implements AccountingSink {
    final Deque<Outcome> script = new ArrayDeque<>();
    final List<List<String>> batches = new ArrayList<>();
    final List<String> accepted = new ArrayList<>();

    @Override
    public Result send(List<String> lines) {
      batches.add(lines);
      Outcome o = script.isEmpty() ? Outcome.ACCEPTED : script.poll();
      if (o == Outcome.ACCEPTED) {
        accepted.addAll(lines);
      }
      return new Result(o, o.name());
    }
  }

  @Test
  void drainsEveryRealmInBatches() throws Exception {
    try (UsageOutbox outbox = new UsageOutbox(dir, 1 << 20)) {
      for (int i = 0; i < 7; i++) {
        outbox.append("a", "a" + i);
      }
      outbox.append("b", "b0");
      ScriptedSink sink = new ScriptedSink();
      new UsageShipper(outbox, sink, 3, Duration.ofSeconds(1), Duration.ofSeconds(60), new MovableClock()).run();
      assertThat(sink.accepted).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "a6", "b0");
      assertThat(sink.batches).allMatch(b -> b.size() <= 3);
      assertThat(outbox.queue("a").pendingBytes()).isZero();
    }
  }

  @Test
  void anOutageKeepsEverythingAndBacksOffThenDeliversEachRecordOnce() throws Exception {
    try (UsageOutbox outbox = new UsageOutbox(dir, 1 << 20)) {
      outbox.append("a", "r1");
      outbox.append("a", "r2");
      ScriptedSink sink = new ScriptedSink();
      sink.script.add(AccountingSink.Outcome.RETRY);
      sink.script.add(AccountingSink.Outcome.RETRY);
      MovableClock clock = new MovableClock();
      UsageShipper shipper = new UsageShipper(outbox, sink, 10, Duration.ofSeconds(1), Duration.ofSeconds(8), clock);
      shipper.run();
      assertThat(sink.batches).hasSize(1);
      shipper.run();
      assertThat(sink.batches).as("waits during the backoff").hasSize(1);
      clock.now = clock.now.plusSeconds(1);
      shipper.run();
      assertThat(sink.batches).hasSize(2);
      outbox.append("a", "r3");
      clock.now = clock.now.plusSeconds(2); // the second backoff is at most 2 s
      shipper.run();
      assertThat(sink.accepted).containsExactly("r1", "r2", "r3");
      assertThat(shipper.shipped()).isEqualTo(3);
      assertThat(outbox.queue("a").pendingBytes()).isZero();
    }
  }

  @Test
  void backoffGrowsButStaysUnderTheCap() throws Exception {
    try (UsageOutbox outbox = new UsageOutbox(dir, 1 << 20)) {
      outbox.append("a", "r1");
      ScriptedSink sink = new ScriptedSink();
      for (int i = 0; i < 30; i++) {
        sink.script.add(AccountingSink.Outcome.RETRY);
      }
      MovableClock clock = new MovableClock();
      UsageShipper shipper = new UsageShipper(outbox, sink, 10, Duration.ofSeconds(1), Duration.ofSeconds(8), clock);
      for (int i = 0; i < 20; i++) {
        clock.now = clock.now.plusSeconds(8); // the cap: every attempt is due again
        shipper.run();
      }
      assertThat(sink.batches).hasSize(20);
      clock.now = clock.now.plusMillis(3_999);
      int before = sink.batches.size();
      shipper.run();
      // after many failures the wait is between cap/2 and cap: not due before 4 s
      assertThat(sink.batches).hasSize(before);
    }
  }

  @Test
  void aBatchRefusedAsInvalidIsKeptAsideAndTheRestFlows() throws Exception {
    try (UsageOutbox outbox = new UsageOutbox(dir, 1 << 20)) {
      outbox.append("a", "bad");
      outbox.append("a", "good");
      ScriptedSink sink = new ScriptedSink();
      sink.script.add(AccountingSink.Outcome.REJECTED);
      UsageShipper shipper = new UsageShipper(outbox, sink, 1, Duration.ofSeconds(1), Duration.ofSeconds(8),
          new MovableClock());
      shipper.run();
      assertThat(sink.accepted).containsExactly("good");
      assertThat(Files.readAllLines(outbox.rejectedFile("a"))).containsExactly("bad");
      assertThat(shipper.rejected()).isEqualTo(1);
      assertThat(outbox.queue("a").pendingBytes()).isZero();
    }
  }

  @Test
  void aCrashBeforeTheAckSendsTheBatchAgainAfterARestart() throws Exception {
    try (UsageOutbox outbox = new UsageOutbox(dir, 1 << 20)) {
      outbox.append("a", "r1");
      // the batch is sent, but the process dies before the ack: simulated by peeking without acking
      assertThat(outbox.queue("a").peek(10, 1 << 16).lines()).containsExactly("r1");
    }
    try (UsageOutbox outbox = new UsageOutbox(dir, 1 << 20)) {
      ScriptedSink sink = new ScriptedSink();
      new UsageShipper(outbox, sink, 10, Duration.ofSeconds(1), Duration.ofSeconds(8), new MovableClock()).run();
      assertThat(sink.accepted).as("sent again; accounting's idempotency key makes it count once").containsExactly("r1");
    }
  }
}
