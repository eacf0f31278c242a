package eu.panosc.accounting.store;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Where usage records and their rollups live. Implementations keep both consistent under concurrent writers
 * (several replicas): a record's key is stored at most once, a cumulative record replaces its predecessor only
 * when its {@code end} is later, and the rollups change in the same commit as the records.
 */
public interface AccountingStore {
  /**
   * Stores a batch as one transaction: all of it or (on failure) none of it. The future succeeds only once the
   * batch is committed. {@code receivedAt} is recorded with each new record.
   */
  Future<IngestOutcome> ingest(List<UsageRecord> batch, Instant receivedAt);

  /** The report's rows, ordered by the group's dimensions and then metric. */
  Future<List<ReportRow>> report(ReportQuery query);

  /**
   * The business-model counts of the query's period and filters (its grouping is ignored): active users, new users
   * (first seen in the period), sessions overlapping the period and their median length; each exact, and read from
   * tables maintained at ingest, so the time does not grow with the number of records.
   */
  Future<BusinessMetrics> businessMetrics(ReportQuery query);
}
