package eu.panosc.accounting.export;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.RollupsBehindException;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.RollupWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The exports' reads on PostgreSQL. Session records are found through the partial index on {@code start_at} (V2):
 * no record lasts longer than the largest {@code maxRecordDuration} allowed (366 days), so one that overlaps the range
 * started at most that long before it, whatever the setting was when it arrived.
 */
public final class PgExportStore implements ExportStore {
  private static final String BUCKETS = "SELECT bucket, facility, installation, proposal, metric, "
      + "sum(value)::text AS value FROM rollup WHERE granularity = $1 AND bucket >= $2 AND bucket < $3 AND records > 0 "
      + "GROUP BY bucket, facility, installation, proposal, metric ORDER BY bucket, facility, installation, proposal, "
      + "metric";
  private static final String SESSIONS = "SELECT source, record_id, facility, installation, cluster, session, user_id, "
      + "proposal, community, metric, start_at, end_at, value::text AS value, cumulative, late FROM usage_record "
      + "WHERE session IS NOT NULL AND start_at >= $1 AND start_at < $3 AND (end_at > $2 OR (end_at = start_at AND "
      + "start_at >= $2)) ORDER BY facility, installation, session, start_at, source, record_id";

  private static final Duration LONGEST_RECORD = Duration.ofDays(366);
  /** Rows read from the cursor at a time. */
  static final int FETCH = 1000;

  /**
   * Whether acknowledged records not rolled up yet may overlap [$1, $2) (each journal row by the span of its
   * entries: a superset of the rollups' pro-rating).
   */
  private static final String PENDING_IN = "SELECT EXISTS (SELECT 1 FROM rollup_pending WHERE first_start < $2 AND "
      + "(last_end > $1 OR first_start >= $1)) AS pending";

  private final Pool pool;
  private final RollupWorker rollups;

  public PgExportStore(Pool pool, RollupWorker rollups) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.rollups = Objects.requireNonNull(rollups, "rollups");
  }

  public PgExportStore(Pool pool) {
    this(pool, new RollupWorker(pool));
  }

  /**
   * Waits (bounded) for the rollups to hold every record acknowledged before the call; fails with
   * {@link RollupsBehindException} when records still pending fall into the range, so an export is never short.
   */
  @Override
  public Future<List<BucketUsage>> bucketUsage(Instant from, Instant to, Granularity granularity) {
    return rollups.await().compose(status -> status.complete() ? Future.succeededFuture()
        : pool.preparedQuery(PENDING_IN).execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
            .compose(rs -> rs.iterator().next().getBoolean("pending")
                ? Future.failedFuture(new RollupsBehindException(status)) : Future.succeededFuture()))
        .compose(v -> read(from, to, granularity));
  }

  private Future<List<BucketUsage>> read(Instant from, Instant to, Granularity granularity) {
    return pool.preparedQuery(BUCKETS).execute(Tuple.of(granularity.wire(), from.atOffset(ZoneOffset.UTC),
        to.atOffset(ZoneOffset.UTC))).map(rows -> {
          List<BucketUsage> out = new ArrayList<>();
          for (Row r : rows) {
            String proposal = r.getString("proposal");
            out.add(new BucketUsage(r.getOffsetDateTime("bucket").toInstant(), r.getString("facility"),
                r.getString("installation"), proposal.isEmpty() ? null : proposal,
                Metric.parse(r.getString("metric")).orElseThrow(), plain(r.getString("value"))));
          }
          return out;
        });
  }

  @Override
  public Future<Void> sessionRecords(Instant from, Instant to, Consumer<List<UsageRecord>> perSession) {
    Tuple args = Tuple.of(from.minus(LONGEST_RECORD).atOffset(ZoneOffset.UTC), from.atOffset(ZoneOffset.UTC),
        to.atOffset(ZoneOffset.UTC));
    return pool.withTransaction(conn -> conn.prepare(SESSIONS).compose(ps -> {
      Cursor cursor = ps.cursor(args);
      List<UsageRecord> current = new ArrayList<>();
      return readAll(cursor, current, perSession).eventually(cursor::close).map(v -> {
        if (!current.isEmpty()) {
          perSession.accept(List.copyOf(current));
        }
        return (Void) null;
      });
    }));
  }

  /** Reads the cursor to its end, handing over each session once its last record has been read. */
  private static Future<Void> readAll(Cursor cursor, List<UsageRecord> current,
      Consumer<List<UsageRecord>> perSession) {
    return cursor.read(FETCH).compose(rows -> {
      for (Row row : rows) {
        UsageRecord r = record(row);
        if (!current.isEmpty() && !sameSession(current.getFirst(), r)) {
          perSession.accept(List.copyOf(current));
          current.clear();
        }
        current.add(r);
      }
      return cursor.hasMore() ? readAll(cursor, current, perSession) : Future.succeededFuture();
    });
  }

  private static boolean sameSession(UsageRecord a, UsageRecord b) {
    return a.facility().equals(b.facility()) && a.installation().equals(b.installation())
        && a.session().equals(b.session());
  }

  private static UsageRecord record(Row row) {
    return new UsageRecord(row.getString("source"), row.getString("record_id"), row.getString("facility"),
        row.getString("installation"), row.getString("cluster"), row.getString("session"), row.getString("user_id"),
        row.getString("proposal"), row.getString("community"), Metric.parse(row.getString("metric")).orElseThrow(),
        row.getOffsetDateTime("start_at").toInstant(), row.getOffsetDateTime("end_at").toInstant(),
        new BigDecimal(row.getString("value")), row.getBoolean("cumulative"), row.getBoolean("late"));
  }

  /** A sum without trailing zeros and without an exponent (100, not 1E+2). */
  static BigDecimal plain(String numeric) {
    BigDecimal d = new BigDecimal(numeric).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }
}
