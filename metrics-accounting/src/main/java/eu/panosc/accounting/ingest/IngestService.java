package eu.panosc.accounting.ingest;

import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.InvalidBatchException;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a whole batch (every record, every field) and hands it to the store as one transaction; a batch with
 * any bad record is refused whole with all its errors (at most {@link #MAX_ERRORS} listed). Marks records late
 * whose {@code end} lies more than {@code lateAfter} before now.
 */
public final class IngestService {
  static final int MAX_ERRORS = 100;

  private final AccountingStore store;
  private final Clock clock;
  private final RecordReader reader;
  private final Duration lateAfter;
  private final Duration futureTolerance;
  private final int maxRecords;

  public IngestService(AccountingStore store, Clock clock, Duration lateAfter, Duration maxRecordDuration,
      Duration futureTolerance, int maxRecords) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reader = new RecordReader(maxRecordDuration);
    this.lateAfter = Objects.requireNonNull(lateAfter, "lateAfter");
    this.futureTolerance = Objects.requireNonNull(futureTolerance, "futureTolerance");
    this.maxRecords = maxRecords;
  }

  public int maxRecords() {
    return maxRecords;
  }

  /** Validates the decoded JSON values (one per record) and stores them; fails with InvalidBatchException. */
  public Future<IngestOutcome> ingest(List<Object> values) {
    if (values.isEmpty()) {
      return Future.failedFuture(new InvalidBatchException("the batch holds no record", List.of()));
    }
    if (values.size() > maxRecords) {
      return Future.failedFuture(new InvalidBatchException("the batch holds more than " + maxRecords
          + " records; split it", List.of()));
    }
    Instant now = clock.instant();
    Instant lateBefore = now.minus(lateAfter);
    Instant latestEnd = now.plus(futureTolerance);
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> records = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      UsageRecord r = reader.read(i, values.get(i), errors);
      if (r == null) {
        continue;
      }
      if (r.end().isAfter(latestEnd)) {
        errors.add(new RecordError(i, "end", "must not lie in the future"));
        continue;
      }
      records.add(r.withLate(r.end().isBefore(lateBefore)));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(new InvalidBatchException(errors.size() + " error(s) in the batch; nothing was "
          + "stored", errors.subList(0, Math.min(errors.size(), MAX_ERRORS))));
    }
    return store.ingest(records, now);
  }
}
