package eu.panosc.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.SessionState;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session feed listening on a connection of its own leaves the pool's connections to requests: with a pool of
 * one connection, a store still creates sessions through it while the feed listens, and another replica's change
 * arrives.
 */
class SessionFeedOwnConnectionIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 1);

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void feedWhenOnItsOwnConnectionThenThePoolsOnlyConnectionServesAndChangesArrive() throws InterruptedException {
    Pool pool = DB.pool();
    List<String> noticed = new CopyOnWriteArrayList<>();
    List<String> caughtUp = new CopyOnWriteArrayList<>();
    SessionFeed feed = new SessionFeed(DB.vertx(), pool,
        () -> PgConnection.connect(DB.vertx(), DB.target().connectOptions("broker")).map(c -> c),
        n -> noticed.add(n.session()), caughtUp::add, Clock.systemUTC(), Duration.ofMillis(100),
        Duration.ofMillis(400));
    try {
      await(feed.start());
      assertThat(feed.connects()).isEqualTo(1);
      PgBrokerStore replicaA = new PgBrokerStore(pool, Optional.of("replica-a"));
      // through the pool's only connection: with the feed holding it, this would wait for ever
      var created = replicaA.create(Fixtures.session("sfeedown0000000000001", "alice", null, new Resources(1, 1, 0),
          SessionState.PLACING), new Quota(10, Optional.empty()));
      assertThat(created.toCompletionStage().toCompletableFuture().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS)
          .join().id()).isEqualTo("sfeedown0000000000001");
      long end = System.nanoTime() + 20_000_000_000L;
      while (!noticed.contains("sfeedown0000000000001") && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      assertThat(noticed).containsExactly("sfeedown0000000000001");
      assertThat(caughtUp).isEmpty();  // the connection was never lost: nothing to re-read
    } finally {
      await(feed.close());
    }
  }
}
