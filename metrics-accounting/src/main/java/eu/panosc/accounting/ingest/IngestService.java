package eu.panosc.accounting.ingest;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.InvalidBatchException;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks a whole batch (every record, every field) and hands it to the store as one transaction; a batch with
 * any bad record is refused whole with all its errors (at most {@link #MAX_ERRORS} listed). Marks records late
 * whose {@code end} lies more than {@code lateAfter} before now. The check runs on a worker thread when called on a
 * Vert.x context.
 */
public final class IngestService {
  /** Records of committed batches, by {@code outcome}: accepted, replaced, duplicate, stale. */
  public static final String METER_RECORDS = "panosc_accounting_records_total";
  /** Of those that counted (accepted or replacing), the late ones. */
  public static final String METER_LATE = "panosc_accounting_records_late_total";
  /** Batches refused whole (a bad record, too many records or hours). */
  public static final String METER_REFUSED = "panosc_accounting_batches_refused_total";
  /** How long after its {@code end} each record of a committed batch arrived (the senders' lag). */
  public static final String METER_LAG = "panosc_accounting_record_lag_seconds";
  /**
   * Gauge: how far the usage data this process committed lags behind now (now minus the latest {@code end} of any
   * record of a committed batch since start); NaN before the first batch.
   */
  public static final String METER_INGEST_LAG = "panosc_accounting_ingest_lag_seconds";
  static final int MAX_ERRORS = 100;
  /**
   * The most hour buckets one batch may touch (the sum over its records): each is a rollup upsert in the batch's
   * transaction, so this bounds a transaction's work (10 000 records of 20 hours each pass).
   */
  public static final long MAX_BATCH_HOURS = 200_000;

  private final AccountingStore store;
  private final Clock clock;
  private final RecordReader reader;
  private final RecordStreamParser parser;
  private final Duration lateAfter;
  private final Duration futureTolerance;
  private final int maxRecords;
  private final long maxBatchHours;
  private final MeterRegistry meters;
  private final Counter refused;
  private final Counter late;
  private final DistributionSummary lag;
  private final AtomicLong latestEnd = new AtomicLong(Long.MIN_VALUE);

  public IngestService(AccountingStore store, Clock clock, Duration lateAfter, Duration maxRecordDuration,
      Duration futureTolerance, int maxRecords, long maxBatchHours, MeterRegistry meters) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reader = new RecordReader(maxRecordDuration);
    this.parser = new RecordStreamParser(maxRecordDuration);
    this.lateAfter = Objects.requireNonNull(lateAfter, "lateAfter");
    this.futureTolerance = Objects.requireNonNull(futureTolerance, "futureTolerance");
    this.maxRecords = maxRecords;
    this.maxBatchHours = maxBatchHours;
    this.meters = Objects.requireNonNull(meters, "meters");
    this.refused = meters.counter(METER_REFUSED);
    this.late = meters.counter(METER_LATE);
    this.lag = DistributionSummary.builder(METER_LAG).baseUnit("seconds").register(meters);
    for (String outcome : new String[] {"accepted", "replaced", "duplicate", "stale"}) {
      meters.counter(METER_RECORDS, "outcome", outcome); // exposed (as 0) before the first batch
    }
    Gauge.builder(METER_INGEST_LAG, this, IngestService::ingestLagSeconds)
        .baseUnit("seconds").register(meters);
  }

  public int maxRecords() {
    return maxRecords;
  }

  /**
   * A batch's request has started to arrive: the store may hold its background work back until the returned handle
   * runs (when the request is answered); see {@link AccountingStore#batchArriving}.
   */
  Runnable arriving() {
    return store.batchArriving();
  }

  /** The streaming parser with this service's record checks. */
  RecordStreamParser parser() {
    return parser;
  }

  /**
   * Reads a batch with {@code parse} (on a worker thread when called on a Vert.x context: parsing and checking
   * 10 000 records is CPU work), checks what the parser did not (empty or too large batch, future ends, hour
   * buckets), marks late records and stores them; fails with InvalidBatchException, or with what {@code parse}
   * throws.
   */
  Future<IngestOutcome> ingestParsed(java.util.function.Supplier<RecordStreamParser.ParsedBatch> parse) {
    Instant now = clock.instant();
    return checked(() -> check(parse.get(), now)).compose(records -> store(records, now));
  }

  /** The records {@code check} answers, computed on a worker when on a Vert.x context; refusals counted. */
  private Future<List<UsageRecord>> checked(java.util.concurrent.Callable<List<UsageRecord>> check) {
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    Future<List<UsageRecord>> checked;
    if (context == null) {
      try {
        checked = Future.succeededFuture(check.call());
      } catch (Exception e) {
        checked = Future.failedFuture(e);
      }
    } else {
      checked = context.executeBlocking(check, false);
    }
    return checked.onFailure(e -> {
      if (e instanceof InvalidBatchException) {
        refused.increment();
      }
    });
  }

  /** Validates the decoded JSON values (one per record) and stores them; fails with InvalidBatchException. */
  public Future<IngestOutcome> ingest(List<Object> values) {
    Instant now = clock.instant();
    // checking 10 000 records and their hour buckets is CPU work: on a worker, never on an event loop
    return checked(() -> check(values, now)).compose(records -> store(records, now));
  }

  private Future<IngestOutcome> store(List<UsageRecord> records, Instant now) {
    return store.ingest(records, now).onSuccess(o -> {
      meters.counter(METER_RECORDS, "outcome", "accepted").increment(o.accepted());
      meters.counter(METER_RECORDS, "outcome", "replaced").increment(o.replaced());
      meters.counter(METER_RECORDS, "outcome", "duplicate").increment(o.duplicates());
      meters.counter(METER_RECORDS, "outcome", "stale").increment(o.stale());
      late.increment(o.late());
      long newest = Long.MIN_VALUE;
      for (UsageRecord r : records) {
        lag.record(Math.max(0, Duration.between(r.end(), now).toMillis()) / 1000.0);
        newest = Math.max(newest, r.end().toEpochMilli());
      }
      latestEnd.accumulateAndGet(newest, Math::max);
    });
  }

  private List<UsageRecord> check(List<Object> values, Instant now) {
    checkSize(values.size());
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> read = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      read.add(reader.read(i, values.get(i), errors));
    }
    return check(read, errors, now);
  }

  private List<UsageRecord> check(RecordStreamParser.ParsedBatch batch, Instant now) {
    checkSize(batch.count());
    return check(batch.records(), new ArrayList<>(batch.errors()), now);
  }

  private void checkSize(int count) {
    if (count == 0) {
      throw new InvalidBatchException("the batch holds no record", List.of());
    }
    if (count > maxRecords) {
      throw new InvalidBatchException("the batch holds more than " + maxRecords + " records; split it", List.of());
    }
  }

  /**
   * The records as stored, from those read ({@code read.get(i)} is record i, null when refused; {@code errors} are
   * the reading's, in record order): the end not in the future, late marked, the hour buckets within the limit.
   */
  private List<UsageRecord> check(List<UsageRecord> read, List<RecordError> errors, Instant now) {
    Instant lateBefore = now.minus(lateAfter);
    Instant latestEnd = now.plus(futureTolerance);
    List<UsageRecord> records = new ArrayList<>(read.size());
    boolean interleaved = false;
    long hours = 0;
    for (int i = 0; i < read.size(); i++) {
      UsageRecord r = read.get(i);
      if (r == null) {
        continue;
      }
      if (r.end().isAfter(latestEnd)) {
        interleaved |= !errors.isEmpty() && errors.get(errors.size() - 1).record() > i;
        errors.add(new RecordError(i, "end", "must not lie in the future"));
        continue;
      }
      records.add(r.withLate(r.end().isBefore(lateBefore)));
      hours += hourBuckets(r);
    }
    if (interleaved) {
      errors.sort(java.util.Comparator.comparingInt(RecordError::record)); // stable: a record's own order kept
    }
    if (!errors.isEmpty()) {
      throw new InvalidBatchException(errors.size() + " error(s) in the batch; nothing was stored",
          errors.subList(0, Math.min(errors.size(), MAX_ERRORS)));
    }
    if (hours > maxBatchHours) {
      throw new InvalidBatchException("the batch's records span " + hours + " hour buckets together; at most "
          + maxBatchHours + " per batch: split it", List.of());
    }
    return records;
  }

  /** The value of {@value #METER_INGEST_LAG}. */
  double ingestLagSeconds() {
    long end = latestEnd.get();
    return end == Long.MIN_VALUE ? Double.NaN : Math.max(0, clock.millis() - end) / 1000.0;
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
