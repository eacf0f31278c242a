package eu.panosc.platform.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.LeaderConfig;
import eu.panosc.platform.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of a service (each its own pool and meter registry) running the same singletons under
 * {@link Leadership} with the default PostgreSQL kind: every job runs on one replica only, {@code panosc_platform_leader} says
 * which, and when the leading replica shuts down the other runs the jobs from then on.
 */
class LeadershipIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("leadership", 2);

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  record Replica(Leadership leadership, SimpleMeterRegistry meters, Pool pool, AtomicInteger purges,
      AtomicInteger rotations) {
    void round() {
      await(leadership.singleton("purge").ifLeader(() -> Future.succeededFuture(purges.incrementAndGet())));
      await(leadership.singleton("key-rotation").ifLeader(() -> Future.succeededFuture(rotations.incrementAndGet())));
    }

    double gauge(String singleton) {
      return meters.get("panosc_platform_leader").tag("service", "svc").tag("singleton", singleton).gauge().value();
    }
  }

  Replica replica() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Pool pool = DB.pool();
    return new Replica(Leadership.create(DB.vertx(), LeaderConfig.postgres(), pool, meters, "svc"), meters, pool,
        new AtomicInteger(), new AtomicInteger());
  }

  @Test
  void twoReplicasWhenJobsRunEachRoundThenOnlyOneRunsThemUntilItStops() {
    Replica a = replica();
    Replica b = replica();
    try {
      for (int i = 0; i < 5; i++) {
        a.round();
        b.round();
      }
      assertThat(a.purges().get()).isEqualTo(5);
      assertThat(a.rotations().get()).isEqualTo(5);
      assertThat(b.purges().get() + b.rotations().get()).as("the other replica ran nothing").isZero();
      assertThat(a.gauge("purge")).isEqualTo(1.0);
      assertThat(a.gauge("key-rotation")).isEqualTo(1.0);
      assertThat(b.gauge("purge")).isEqualTo(0.0);

      await(a.leadership().close());
      assertThat(a.gauge("purge")).isEqualTo(0.0);
      for (int i = 0; i < 3; i++) {
        b.round();
      }
      assertThat(b.purges().get()).isEqualTo(3);
      assertThat(b.rotations().get()).isEqualTo(3);
      assertThat(b.gauge("key-rotation")).isEqualTo(1.0);
    } finally {
      await(b.leadership().close());
      await(a.pool().close());
      await(b.pool().close());
    }
  }

  @Test
  void leadWhenTwoSingletonsOfOneReplicaAskAtOnceThenBothLead() {
    Replica a = replica();
    try {
      Future<Boolean> purge = a.leadership().singleton("purge").lead();
      Future<Boolean> rotation = a.leadership().singleton("key-rotation").lead();
      assertThat(await(purge)).isTrue();
      assertThat(await(rotation)).as("the same replica's lock, asked while the first ask is under way").isTrue();
    } finally {
      await(a.leadership().close());
      await(a.pool().close());
    }
  }

  @Test
  void ifLeaderWhenTheLockCannotBeAskedThenTheJobDoesNotRun() {
    Replica a = replica();
    await(a.pool().close());
    AtomicInteger ran = new AtomicInteger();
    Optional<Integer> r = await(a.leadership().singleton("purge")
        .ifLeader(() -> Future.succeededFuture(ran.incrementAndGet())));
    assertThat(r).isEmpty();
    assertThat(ran.get()).isZero();
    assertThat(a.gauge("purge")).isEqualTo(0.0);
  }

  @Test
  void singletonWhenNameIsNotAShortDnsLabelThenRefused() {
    Replica a = replica();
    try {
      assertThatThrownBy(() -> a.leadership().singleton("Key_Rotation")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Key_Rotation");
      assertThat(Leadership.leaseName(new LeaderConfig(LeaderConfig.Kind.LEASE, Optional.of("ns"), "panosc",
          Optional.empty(), java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(10),
          java.time.Duration.ofSeconds(2)), "broker", "reconciler")).isEqualTo("panosc-broker-reconciler");
      assertThat(a.leadership().identity()).matches(".+-[0-9a-f]{8}");
    } finally {
      await(a.pool().close());
    }
  }
}
