package eu.panosc.accounting.store;

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
}
