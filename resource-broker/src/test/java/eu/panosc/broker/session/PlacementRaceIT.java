package eu.panosc.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.driver.local.LocalProcessDriver;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.broker.model.Visibility;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent placements on embedded PostgreSQL (a pool of 8 connections, so they really race): 20 users create a
 * 1-CPU session at once on a cluster with room for 4; exactly 4 are placed, the others FAILED with the reason, the
 * cluster never overbooked (it was before: every placement read the same free capacity).
 */
class PlacementRaceIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 8);
  @TempDir
  Path work;

  @Test
  void createWhenTwentyAtOnceOnAClusterWithRoomForFourThenExactlyFourPlaced() throws Exception {
    Vertx vertx = Vertx.vertx();
    LocalProcessDriver driver = new LocalProcessDriver(vertx, List.of(), work);
    try {
      PgBrokerStore store = new PgBrokerStore(DB.pool());
      store.putFlavour(new Flavour("one", "One CPU", new Resources(1, 1024, 0), Visibility.EVERYONE))
          .toCompletionStage().toCompletableFuture().join();
      store.putImage(Fixtures.image("jupyter")).toCompletionStage().toCompletableFuture().join();
      Cluster small = new Cluster("small", Cluster.Kind.LOCAL, Optional.empty(), new Resources(4, 1 << 20, 0), Map.of(),
          Map.of(), 50, Optional.empty());
      SessionService service = new SessionService(store, Placer.standard(), List.of(small), Map.of("small", driver),
          (u, d) -> Future.succeededFuture(Optional.empty()), new DatasetLocations(Map.of()), Rules.defaults(),
          Clock.systemUTC());
      List<Future<Created>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        all.add(service.create(new Caller("user" + i + "@demo.panosc.eu", false, false, Set.of(), Set.of()),
            new NewSession("jupyter", "one", List.of(), Optional.empty())));
      }
      Future.join(all).toCompletionStage().toCompletableFuture().exceptionally(e -> null).join();
      List<Session> placed = all.stream().map(f -> f.result().session()).filter(s -> s.cluster().isPresent()
          && s.state() != SessionState.FAILED).toList();
      List<Session> refused = all.stream().map(f -> f.result().session()).filter(s -> s.state() == SessionState.FAILED)
          .toList();
      assertThat(placed).hasSize(4);
      assertThat(refused).hasSize(16).allSatisfy(s -> assertThat(s.failure().orElseThrow())
          .containsAnyOf("no cluster can run it", "no cluster had room"));
      long cpus = store.active().toCompletionStage().toCompletableFuture().join().stream()
          .filter(s -> s.cluster().equals(Optional.of("small"))).mapToLong(s -> s.resources().cpu()).sum();
      assertThat(cpus).isLessThanOrEqualTo(4);
    } finally {
      driver.close().toCompletionStage().toCompletableFuture().join();
      vertx.close().await();
    }
  }
}
