package eu.panosc.accounting.store;

import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Where usage records and their rollups live. Implementations keep both consistent under concurrent writers
 * (several replicas): a record's key is stored at most once, a cumulative record replaces its predecessor only
 * when its {@code end} is later, and every record acknowledged reaches the rollups exactly once, after the commit.
 */
public interface AccountingStore {
  /**
   * Stores a batch as one transaction: all of it or (on failure) none of it. The future succeeds only once the
   * batch is committed. {@code receivedAt} is recorded with each new record.
   */
  Future<IngestOutcome> ingest(List<UsageRecord> batch, Instant receivedAt);

  /**
   * A batch is on its way to {@link #ingest} (its request being received, parsed and checked): an implementation may
   * hold its background work back (bounded) until the returned handle is run, so that a burst of batches is
   * acknowledged at full speed. The handle may be run more than once (only the first counts) and must be run when
   * the batch is answered, however it ends. The default holds nothing back.
   */
  default Runnable batchArriving() {
    return () -> {};
  }

  /**
   * Waits (bounded) until the rollups hold every record acknowledged before the call; the status then (pending
   * records when the wait ended first). Reads that must be exact call it first.
   */
  Future<RollupStatus> awaitRollups();

  /** The report's rows from the rollups as they are, ordered by the group's dimensions and then metric. */
  Future<List<ReportRow>> report(ReportQuery query);
}
