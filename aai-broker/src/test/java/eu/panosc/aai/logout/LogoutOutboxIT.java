package eu.panosc.aai.logout;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logout outbox on real PostgreSQL, with two replicas (two pools) claiming at once. */
class LogoutOutboxIT {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool a;
  static Pool b;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "aai", 8);
    a = db.pool();
    b = db.pool();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Test
  void claimWhenTwoReplicasClaimTogetherThenEveryDeliveryGoesToExactlyOneAndLeasedRowsWait() {
    a.query("DELETE FROM logout_delivery").execute().await();
    a.preparedQuery("INSERT INTO logout_delivery (client_id, user_id, sid) VALUES ($1, 'u', 's')")
        .executeBatch(IntStream.range(0, 200).mapToObj(i -> Tuple.of("client-" + i)).toList()).await();
    LogoutOutbox first = new PgLogoutOutbox(a);
    LogoutOutbox second = new PgLogoutOutbox(b);

    List<Future<List<LogoutOutbox.Delivery>>> claims = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      claims.add(first.claim(15, Duration.ofMinutes(1)));
      claims.add(second.claim(15, Duration.ofMinutes(1)));
    }
    Future.all(claims).await();

    List<Long> ids = new ArrayList<>();
    claims.forEach(c -> c.result().forEach(d -> ids.add(d.id())));
    Set<Long> distinct = new HashSet<>(ids);
    assertThat(ids).hasSize(200);
    assertThat(distinct).hasSize(200);
    // leased: nothing is due again until the lease ends
    assertThat(first.claim(50, Duration.ofMinutes(1)).await()).isEmpty();
    assertThat(claims.get(0).result()).allSatisfy(d -> assertThat(d.attempt()).isEqualTo(1));
  }

  @Test
  void retryLaterWhenDelayPassedThenClaimedAgainAndDoneRemovesIt() throws Exception {
    a.query("DELETE FROM logout_delivery").execute().await();
    a.query("INSERT INTO logout_delivery (client_id, user_id, sid) VALUES ('c', 'u', 's')").execute().await();
    LogoutOutbox outbox = new PgLogoutOutbox(a);
    LogoutOutbox.Delivery d = outbox.claim(10, Duration.ofMinutes(1)).await().get(0);

    outbox.retryLater(d.id(), Duration.ofMillis(100), "HTTP 503").await();
    Thread.sleep(200);
    List<LogoutOutbox.Delivery> again = outbox.claim(10, Duration.ofMinutes(1)).await();

    assertThat(again).singleElement().satisfies(x -> assertThat(x.attempt()).isEqualTo(2));
    outbox.done(d.id()).await();
    assertThat(outbox.pending().await()).isZero();
  }
}
