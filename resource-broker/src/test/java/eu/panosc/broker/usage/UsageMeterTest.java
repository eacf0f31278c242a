package eu.panosc.broker.usage;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.clusters.ClusterDirectory;
import eu.panosc.broker.driver.local.LocalProcessDriver;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.store.InMemoryBrokerStore;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records a session's time becomes, with an injected clock. */
class UsageMeterTest {
  static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  @TempDir
  Path work;

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void sweepWhenASessionRunsAndEndsThenDisjointIntervalsWithStableIdsAndTheRightValues() {
    Vertx vertx = Vertx.vertx();
    try {
      InMemoryBrokerStore store = new InMemoryBrokerStore();
      InMemoryUsageStore usage = new InMemoryUsageStore();
      MutableClock clock = new MutableClock(T0);
      ClusterDirectory dir = ClusterDirectory.of(List.of(Fixtures.cluster("esrf-k8s", "esrf", new Resources(64, 1 << 20,
          8), 50)), Map.of("esrf-k8s", new LocalProcessDriver(vertx, List.of(), work)));
      Session base = Fixtures.session("s00000000000000000001", "alice@demo.panosc.eu", "esrf:MX-2415",
          new Resources(4, 8192, 1), SessionState.RUNNING);
      Session s = new Session(base.id(), base.owner(), base.proposal(), base.datasets(), base.flavour(), base.image(),
          base.resources(), Optional.of("esrf-k8s"), SessionState.RUNNING, base.url(), base.placement(),
          base.failure(), base.secretHash(), T0, T0, base.expiresAt(), T0);
      await(store.create(s, new Quota(10, Optional.empty())));
      await(usage.begin(s.id(), T0));
      UsageMeter meter = new UsageMeter(store, usage, dir, id -> Future.succeededFuture(Optional.of(3L << 30)),
          Duration.ofMinutes(5), clock);
      clock.advance(Duration.ofMinutes(4));
      assertThat(await(meter.sweep())).as("less than a period: nothing yet").isZero();
      clock.advance(Duration.ofMinutes(2));
      assertThat(await(meter.sweep())).isEqualTo(4); // sessions, cpu, memory, gpu
      clock.advance(Duration.ofMinutes(30));
      await(store.update(s.id(), x -> x.withState(SessionState.STOPPED, T0.plus(Duration.ofMinutes(12)))));
      assertThat(await(meter.sweep())).isEqualTo(4); // cpu, memory, gpu, staged data up to the stop
      assertThat(await(meter.sweep())).isZero();
      Map<String, JsonObject> records = await(usage.due(clock.instant(), 100)).stream()
          .collect(Collectors.toMap(UsageRecord::recordId, UsageRecord::payload));
      long t6 = T0.plus(Duration.ofMinutes(6)).toEpochMilli();
      assertThat(records).containsOnlyKeys(s.id() + "/sessions", s.id() + "/cpu_core_hours/" + T0.toEpochMilli(),
          s.id() + "/memory_gib_hours/" + T0.toEpochMilli(), s.id() + "/gpu_hours/" + T0.toEpochMilli(),
          s.id() + "/cpu_core_hours/" + t6, s.id() + "/memory_gib_hours/" + t6, s.id() + "/gpu_hours/" + t6,
          s.id() + "/data_staged_gib");
      JsonObject cpu = records.get(s.id() + "/cpu_core_hours/" + T0.toEpochMilli());
      assertThat(cpu.getString("source")).isEqualTo("resource-broker");
      assertThat(cpu.getString("facility")).isEqualTo("esrf");
      assertThat(cpu.getString("installation")).isEqualTo("esrf-k8s");
      assertThat(cpu.getString("proposal")).isEqualTo("esrf:MX-2415");
      assertThat(cpu.getString("session")).isEqualTo(s.id());
      assertThat(cpu.getString("user")).hasSize(32).doesNotContain("alice");
      assertThat(cpu.getString("start")).isEqualTo(T0.toString());
      assertThat(cpu.getString("end")).isEqualTo(T0.plus(Duration.ofMinutes(6)).toString());
      assertThat(cpu.getDouble("value")).isEqualTo(0.4); // 4 cores × 0.1 h
      Function<String, Double> v = k -> records.get(k).getDouble("value");
      assertThat(v.apply(s.id() + "/cpu_core_hours/" + t6)).isEqualTo(0.4); // 6 → 12 min
      assertThat(v.apply(s.id() + "/memory_gib_hours/" + t6)).isEqualTo(0.8); // 8 GiB × 0.1 h
      assertThat(v.apply(s.id() + "/gpu_hours/" + t6)).isEqualTo(0.1);
      assertThat(v.apply(s.id() + "/sessions")).isEqualTo(1.0);
      assertThat(v.apply(s.id() + "/data_staged_gib")).isEqualTo(3.0);
      assertThat(records.get(s.id() + "/data_staged_gib").getString("end"))
          .isEqualTo(T0.plus(Duration.ofMinutes(12)).toString());
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void backoffWhenFailuresRepeatThenDoublesFromFiveSecondsToFiveMinutes() {
    assertThat(UsageDelivery.backoff(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(UsageDelivery.backoff(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(UsageDelivery.backoff(4)).isEqualTo(Duration.ofSeconds(40));
    assertThat(UsageDelivery.backoff(7)).isEqualTo(Duration.ofMinutes(5));
    assertThat(UsageDelivery.backoff(100)).isEqualTo(Duration.ofMinutes(5));
  }
}
