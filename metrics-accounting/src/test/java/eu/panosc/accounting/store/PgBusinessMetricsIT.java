package eu.panosc.accounting.store;

import eu.panosc.platform.testing.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The business-metrics contract on embedded PostgreSQL; the replica is a second pool. */
class PgBusinessMetricsIT extends BusinessMetricsContract {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 4);

  @Override
  Both store() {
    return both(new PgAccountingStore(DB.shared()));
  }

  @Override
  Both replica() {
    return both(new PgAccountingStore(DB.pool()));
  }

  private static Both both(PgAccountingStore pg) {
    return new Both() {
      @Override
      public io.vertx.core.Future<eu.panosc.accounting.model.IngestOutcome> ingest(
          java.util.List<eu.panosc.accounting.model.UsageRecord> batch, java.time.Instant receivedAt) {
        return pg.ingest(batch, receivedAt);
      }

      @Override
      public io.vertx.core.Future<eu.panosc.accounting.model.RollupStatus> awaitRollups() {
        return pg.awaitRollups();
      }

      @Override
      public io.vertx.core.Future<java.util.List<eu.panosc.accounting.model.ReportRow>> report(
          eu.panosc.accounting.model.ReportQuery query) {
        return pg.report(query);
      }

      @Override
      public io.vertx.core.Future<eu.panosc.accounting.model.BusinessMetrics> businessMetrics(
          eu.panosc.accounting.model.ReportQuery query) {
        return pg.businessMetrics(query);
      }
    };
  }
}
