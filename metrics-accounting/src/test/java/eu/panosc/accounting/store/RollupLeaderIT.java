package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.platform.config.LeaderConfig;
import eu.panosc.platform.leader.Leadership;
import eu.panosc.platform.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas' roll-up workers started under the accounting service's singleton {@code rollup} (the wiring of
 * AccountingApplication, default PostgreSQL election) on one database: records acknowledged elsewhere (a store
 * without a running worker, so nothing kicks locally) are rolled up by the periodic steps of the leader only.
 */
class RollupLeaderIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 4);
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  final String facility = "f-" + UUID.randomUUID();

  long pending() {
    return DB.shared().preparedQuery("SELECT coalesce(sum(records), 0)::bigint AS n FROM rollup_pending WHERE $1 = "
        + "ANY(facility)").execute(Tuple.of(facility)).await().iterator().next().getLong("n");
  }

  @Test
  void periodicStepsWhenTwoReplicasUnderLeaderElectionThenOnlyTheLeaderRollsUp() throws Exception {
    List<Leadership> leaderships = new ArrayList<>();
    List<RollupWorker> workers = new ArrayList<>();
    List<SimpleMeterRegistry> meters = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Pool pool = DB.pool();
        SimpleMeterRegistry m = new SimpleMeterRegistry();
        Leadership l = Leadership.create(DB.vertx(), LeaderConfig.postgres(), pool, m, "accounting");
        RollupWorker w = new RollupWorker(pool);
        w.start(DB.vertx(), Duration.ofMillis(200), m, l.singleton("rollup"));
        leaderships.add(l);
        workers.add(w);
        meters.add(m);
      }
      new PgAccountingStore(DB.shared()).ingest(List.of(new UsageRecord("broker", facility + "/a", facility, "inst",
          null, "s-a", "u1", "p1", "mx", Metric.CPU_CORE_HOURS, Instant.parse("2026-11-05T10:00:00Z"),
          Instant.parse("2026-11-05T12:00:00Z"), new BigDecimal("4"), false, false)), NOW).await();
      long end = System.nanoTime() + 20_000_000_000L;
      while (pending() > 0 && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(pending()).as("rolled up by the leader's periodic step").isZero();
      double[] applied = meters.stream().mapToDouble(m -> m.get(RollupWorker.METER_APPLIED).counter().count())
          .toArray();
      double[] leading = meters.stream().mapToDouble(m -> m.get("panosc_platform_leader").tag("service", "accounting")
          .tag("singleton", "rollup").gauge().value()).toArray();
      assertThat(leading[0] + leading[1]).as("exactly one replica leads").isEqualTo(1.0);
      int leader = leading[0] == 1.0 ? 0 : 1;
      assertThat(applied[leader]).isEqualTo(1.0);
      assertThat(applied[1 - leader]).as("the other replica rolled up nothing").isZero();
    } finally {
      workers.forEach(RollupWorker::stop);
      for (Leadership l : leaderships) {
        l.close().await();
      }
    }
  }
}
