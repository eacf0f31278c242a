package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.LeaderConfig;
import eu.panosc.platform.leader.Leadership;
import eu.panosc.platform.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two PDP replicas' decision-log writers purging under the PDP's singleton {@code decision-log-purge} (the wiring of
 * PdpApplication, default PostgreSQL election) on one database: rows past retention are purged, every time by the
 * leader only.
 */
class DecisionLogLeaderIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("pdp", 4);

  long rows() {
    return DB.shared().query("SELECT coalesce(sum(row_count), 0)::bigint AS n FROM decision_log_page").execute()
        .await().iterator().next().getLong("n");
  }

  @Test
  void purgeWhenTwoReplicasUnderLeaderElectionThenOnlyTheLeaderPurges() throws Exception {
    DecisionLogSettings settings = DecisionLogSettings.from(ConfigNode.of("services.pdp.decisionLog", Map.of(
        "retention", "1h", "purgeInterval", "100ms", "flushInterval", "1h")));
    List<Leadership> leaderships = new ArrayList<>();
    List<DecisionLogWriter> writers = new ArrayList<>();
    List<SimpleMeterRegistry> meters = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Pool pool = DB.pool();
        SimpleMeterRegistry m = new SimpleMeterRegistry();
        Leadership l = Leadership.create(DB.vertx(), LeaderConfig.postgres(), pool, m, "pdp");
        DecisionLogWriter w = new DecisionLogWriter(DB.vertx(), new PgDecisionLog(pool),
            new DecisionQueue(100, m), settings, Clock.systemUTC(), m);
        w.purgeUnder(l.singleton("decision-log-purge"));
        leaderships.add(l);
        writers.add(w);
        meters.add(m);
      }
      for (DecisionLogWriter w : writers) {
        w.start().await();
      }
      OffsetDateTime old = OffsetDateTime.now(ZoneOffset.UTC).minusDays(2);
      for (int round = 0; round < 4; round++) {
        new PgDecisionLog(DB.shared()).insert(List.of(PgDecisionLogIT.row(UUID.randomUUID(), old, "s", "r", "t", "{}"),
            PgDecisionLogIT.row(UUID.randomUUID(), old, "s", "r", "t", "{}"))).await();
        long end = System.nanoTime() + 20_000_000_000L;
        while (rows() > 0 && System.nanoTime() < end) {
          Thread.sleep(50);
        }
        assertThat(rows()).as("purged in round %d", round).isZero();
      }
      double[] purged = meters.stream().mapToDouble(m -> m.get(DecisionLogWriter.METER_PURGED).counter().count())
          .toArray();
      double[] leading = meters.stream().mapToDouble(m -> m.get("panosc_platform_leader").tag("service", "pdp")
          .tag("singleton", "decision-log-purge").gauge().value()).toArray();
      assertThat(leading[0] + leading[1]).as("exactly one replica leads").isEqualTo(1.0);
      int leader = leading[0] == 1.0 ? 0 : 1;
      assertThat(purged[leader]).isEqualTo(8.0);
      assertThat(purged[1 - leader]).as("the other replica purged nothing").isZero();
    } finally {
      for (DecisionLogWriter w : writers) {
        w.close().await();
      }
      for (Leadership l : leaderships) {
        l.close().await();
      }
    }
  }
}
