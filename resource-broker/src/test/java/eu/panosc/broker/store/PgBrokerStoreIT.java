package eu.panosc.broker.store;

import static eu.panosc.broker.Fixtures.T0;
import static eu.panosc.broker.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.SessionState;
import eu.panosc.platform.leader.LeaderLock;
import eu.panosc.platform.leader.PgLeaderLock;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on embedded PostgreSQL (parallel creates run on a pool of 8 connections, so they really race);
 * and the advisory-lock leadership: of two replicas (pools), one leads until it releases. Also that the use rows
 * the database keeps ({@code cluster_use}, {@code owner_use}, V4) equal a recount of the sessions after many changes.
 */
class PgBrokerStoreIT extends BrokerStoreContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 8);

  @Override
  BrokerStore store() {
    return new PgBrokerStore(DB.shared());
  }

  @Override
  LeaderLock replicaLock() {
    return new PgLeaderLock(DB.pool(), "test.reconciler");
  }

  private static final String CLUSTER_USE = "SELECT cluster, sessions, cpu, memory_mi, gpu FROM cluster_use "
      + "WHERE sessions <> 0 OR cpu <> 0 OR memory_mi <> 0 OR gpu <> 0 ORDER BY cluster";
  private static final String CLUSTER_RECOUNT = "SELECT cluster, count(*), sum(cpu)::bigint, sum(memory_mi)::bigint, "
      + "sum(gpu)::bigint FROM session WHERE cluster IS NOT NULL AND state NOT IN ('STOPPED', 'FAILED') "
      + "GROUP BY cluster ORDER BY cluster";
  private static final String OWNER_USE = "SELECT owner_id, sessions FROM owner_use WHERE sessions <> 0 "
      + "ORDER BY owner_id";
  private static final String OWNER_RECOUNT = "SELECT owner_id, count(*) FROM session WHERE state NOT IN ('STOPPED', "
      + "'FAILED') GROUP BY owner_id ORDER BY owner_id";

  @Test
  void useRowsWhenManySessionsChangeThenEqualARecountOfTheSessions() {
    BrokerStore s = store();
    Random random = new Random(13);
    List<String> clusters = List.of("rc-a", "rc-b", "rc-c");
    List<String> owners = List.of(user(), user(), user());
    Quota many = new Quota(1000, Optional.empty());
    Resources room = new Resources(1_000, 1_000_000, 100);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Resources r = new Resources(1 + random.nextInt(8), 100 * (1 + random.nextInt(8)), random.nextInt(2));
      ids.add(await(s.create(session(id(), owners.get(random.nextInt(3)), null, r, SessionState.PLACING), many)).id());
    }
    for (int step = 0; step < 300; step++) {
      String id = ids.get(random.nextInt(ids.size()));
      String cluster = clusters.get(random.nextInt(clusters.size()));
      java.time.Instant at = T0.plusSeconds(step);
      switch (random.nextInt(6)) {
        case 0, 1 -> await(s.reserve(id, cluster, room, c -> c.placed(cluster, "t", at)));
        case 2 -> await(s.update(id, c -> c.running("http://" + id, at)));
        case 3 -> await(s.update(id, c -> c.withState(SessionState.STOPPED, at)));
        case 4 -> await(s.update(id, c -> c.failed("gone", at)));
        default -> await(s.update(id, c -> c.withState(SessionState.PLACING, at)));
      }
    }
    // a session removed by hand leaves no share behind
    String removed = ids.get(0);
    await(s.reserve(removed, "rc-a", room, c -> c.withState(SessionState.PLACING, T0).placed("rc-a", "t", T0)));
    await(DB.shared().preparedQuery("DELETE FROM session WHERE id = $1").execute(Tuple.of(removed)));

    assertThat(rows(CLUSTER_USE)).isEqualTo(rows(CLUSTER_RECOUNT)).isNotEmpty();
    assertThat(rows(OWNER_USE)).isEqualTo(rows(OWNER_RECOUNT)).isNotEmpty();
    assertThat(rows("SELECT cluster FROM cluster_use WHERE sessions < 0 OR cpu < 0 OR memory_mi < 0 OR gpu < 0"))
        .isEmpty();
    assertThat(rows("SELECT owner_id FROM owner_use WHERE sessions < 0")).isEmpty();
  }

  private static List<List<Object>> rows(String sql) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : await(DB.shared().query(sql).execute())) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.getValue(i);
        values.add(v instanceof Number n ? (Object) n.longValue() : v);
      }
      out.add(values);
    }
    return out;
  }
}
