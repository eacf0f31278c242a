package eu.panosc.broker.leader;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.session.DatasetLocations;
import eu.panosc.broker.session.Reconciler;
import eu.panosc.broker.session.Rules;
import eu.panosc.broker.session.SessionService;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.platform.config.LeaderConfig;
import eu.panosc.platform.leader.Leadership;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two broker replicas (each its own pool) on one database, each with a reconciler whose pass runs the culler first:
 * exactly one leads; when that replica dies (its pool, and with it the lock's connection, closed without releasing),
 * the other leads at its next pass.
 */
class PgLeaderReplicasIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 4);

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  Reconciler replica(Vertx vertx, Pool pool, AtomicInteger culled) {
    PgBrokerStore store = new PgBrokerStore(pool);
    Cluster local = new Cluster("local", Cluster.Kind.LOCAL, Optional.empty(), new Resources(1, 1024, 0), Map.of(),
        Map.of(), 50, Optional.empty());
    SessionService service = new SessionService(store, Placer.standard(), List.of(local), Map.of("local",
        new eu.panosc.broker.driver.local.LocalProcessDriver(vertx, List.of(), java.nio.file.Path.of("target",
            "leader-it"))), (u, d) -> Future.succeededFuture(Optional.empty()), new DatasetLocations(Map.of()),
        Rules.defaults(), Clock.systemUTC());
    // the broker's wiring: its Leadership (the default postgres kind) and the singleton "reconciler"
    var leader = Leadership.create(vertx, LeaderConfig.postgres(), pool,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "broker").singleton("reconciler");
    return new Reconciler(vertx, service, leader, Duration.ofHours(1))
        .beforeEachPass(() -> {
          culled.incrementAndGet();
          return Future.succeededFuture();
        });
  }

  @Test
  void twoReplicasWhenTheLeaderDiesThenExactlyOneLeadsAndTheOtherTakesOver() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool poolA = DB.pool();
      Pool poolB = DB.pool();
      AtomicInteger firstA = new AtomicInteger();
      AtomicInteger firstB = new AtomicInteger();
      Reconciler a = replica(vertx, poolA, firstA);
      Reconciler b = replica(vertx, poolB, firstB);
      for (int i = 0; i < 5; i++) {
        boolean ledA = await(a.pass()).led();
        boolean ledB = await(b.pass()).led();
        assertThat(ledA ^ ledB).as("exactly one leads").isTrue();
        assertThat(ledA).isTrue();
      }
      // the culler step runs only on the leader
      assertThat(firstA.get()).isEqualTo(5);
      assertThat(firstB.get()).isZero();
      // replica A dies: its connections close, PostgreSQL drops its session-level lock
      await(poolA.close());
      long end = System.nanoTime() + 10_000_000_000L;
      boolean took = false;
      while (!took && System.nanoTime() < end) {
        took = await(b.pass()).led();
        Thread.sleep(50);
      }
      assertThat(took).as("B leads once A is gone").isTrue();
      assertThat(firstB.get()).isPositive();
      await(b.stop());
    } finally {
      vertx.close().await();
    }
  }
}
