package eu.panosc.accounting.ingest;

import eu.panosc.accounting.model.Granularity;
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
  /**
   * The most hour buckets one batch may touch (the sum over its records): each is a rollup upsert in the batch's
   * transaction, so this bounds a transaction's work (10 000 records of 20 hours each pass).
   */
  public static final long MAX_BATCH_HOURS = 200_000;

  private final AccountingStore store;
  private final Clock clock;
  private final RecordReader reader;
  private final Duration lateAfter;
  private final Duration futureTolerance;
  private final int maxRecords;
  private final long maxBatchHours;

  public IngestService(AccountingStore store, Clock clock, Duration lateAfter, Duration maxRecordDuration,
      Duration futureTolerance, int maxRecords, long maxBatchHours) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reader = new RecordReader(maxRecordDuration);
    this.lateAfter = Objects.requireNonNull(lateAfter, "lateAfter");
    this.futureTolerance = Objects.requireNonNull(futureTolerance, "futureTolerance");
    this.maxRecords = maxRecords;
    this.maxBatchHours = maxBatchHours;
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
    long hours = 0;
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
      hours += hourBuckets(r);
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(new InvalidBatchException(errors.size() + " error(s) in the batch; nothing was "
          + "stored", errors.subList(0, Math.min(errors.size(), MAX_ERRORS))));
    }
    if (hours > maxBatchHours) {
      return Future.failedFuture(new InvalidBatchException("the batch's records span " + hours + " hour buckets"
          + " together; at most " + maxBatchHours + " per batch: split it", List.of()));
    }
    return store.ingest(records, now);
  }

  /** How many hour buckets a record's shares fall into. */
  static long hourBuckets(UsageRecord r) {
    Instant first = Granularity.HOUR.floor(r.start());
    if (!r.end().isAfter(r.start())) {
      return 1;
    }
    long whole = Duration.between(first, r.end()).toHours();
    return Granularity.HOUR.aligned(r.end()) ? whole : whole + 1;
  }
}
