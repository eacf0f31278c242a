package eu.panosc.broker.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link UsageStore} guarantees; each implementation runs it. */
abstract class UsageStoreContract {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  abstract UsageStore store();

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static String session() {
    return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  static UsageStore.Interval interval(String session, AtomicInteger calls) {
    return (from, to) -> {
      calls.incrementAndGet();
      String id = session + "/cpu_core_hours/" + from.toEpochMilli();
      return List.of(new UsageRecord(id, session, new JsonObject().put("recordId", id).put("start", from.toString())
          .put("end", to.toString())));
    };
  }

  @Test
  void accrueWhenIntervalsFollowThenEachOnceAndTheMarkMovesAndAFinalMarkStops() {
    UsageStore s = store();
    String id = session();
    AtomicInteger calls = new AtomicInteger();
    await(s.begin(id, T0));
    await(s.begin(id, T0.plusSeconds(99)));
    assertThat(await(s.mark(id))).contains(T0);
    assertThat(await(s.open())).contains(id);
    assertThat(await(s.accrue(id, T0, T0.plusSeconds(300), false, interval(id, calls)))).isEqualTo(1);
    assertThat(await(s.mark(id))).contains(T0.plusSeconds(300));
    // the same end again (a retried pass) adds nothing and does not call the interval
    assertThat(await(s.accrue(id, T0, T0.plusSeconds(300), false, interval(id, calls)))).isZero();
    assertThat(calls.get()).isEqualTo(1);
    assertThat(await(s.accrue(id, T0, T0.plusSeconds(400), true, interval(id, calls)))).isEqualTo(1);
    assertThat(await(s.open())).doesNotContain(id);
    assertThat(await(s.accrue(id, T0, T0.plusSeconds(900), true, interval(id, calls)))).isZero();
    assertThat(await(s.mark(id))).contains(T0.plusSeconds(400));
    List<UsageRecord> due = await(s.due(T0.plusSeconds(400), 10)).stream().filter(r -> r.sessionId().equals(id))
        .toList();
    assertThat(due).extracting(UsageRecord::recordId).containsExactly(id + "/cpu_core_hours/" + T0.toEpochMilli(),
        id + "/cpu_core_hours/" + T0.plusSeconds(300).toEpochMilli());
    assertThat(due.get(1).payload().getString("end")).isEqualTo(T0.plusSeconds(400).toString());
  }

  @Test
  void deliveryWhenFailedThenDueAgainLaterAndWhenDeliveredThenNotDue() {
    UsageStore s = store();
    String id = session();
    await(s.accrue(id, T0, T0.plusSeconds(60), false, interval(id, new AtomicInteger())));
    String record = id + "/cpu_core_hours/" + T0.toEpochMilli();
    Instant now = T0.plusSeconds(60);
    assertThat(await(s.due(now, 1000))).extracting(UsageRecord::recordId).contains(record);
    int before = await(s.undelivered());
    await(s.failed(List.of(record), now.plus(Duration.ofSeconds(10)), "Connection refused"));
    assertThat(await(s.due(now.plusSeconds(9), 1000))).extracting(UsageRecord::recordId).doesNotContain(record);
    assertThat(await(s.due(now.plusSeconds(10), 1000))).extracting(UsageRecord::recordId).contains(record);
    await(s.delivered(List.of(record), now.plusSeconds(10)));
    assertThat(await(s.due(now.plusSeconds(3600), 1000))).extracting(UsageRecord::recordId).doesNotContain(record);
    assertThat(await(s.undelivered())).isEqualTo(before - 1);
  }

  @Test
  void accrueWhenTheEndIsNotAfterTheMarkThenNothingUnlessLast() {
    UsageStore s = store();
    String id = session();
    AtomicInteger calls = new AtomicInteger();
    assertThat(await(s.accrue(id, T0, T0, false, interval(id, calls)))).isZero();
    assertThat(await(s.open())).contains(id);
    assertThat(await(s.accrue(id, T0, T0, true, interval(id, calls)))).isZero();
    assertThat(calls.get()).isZero();
    assertThat(await(s.open())).doesNotContain(id);
  }
}
