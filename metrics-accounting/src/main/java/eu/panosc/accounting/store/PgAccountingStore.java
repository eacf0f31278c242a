package eu.panosc.accounting.store;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.platform.db.DatabaseTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The PostgreSQL store. One batch is one transaction: the new records are inserted in key order with
 * {@code ON CONFLICT DO NOTHING} (a concurrent writer of the same key waits for the other's commit and then
 * finds it), the stored versions of cumulative records are locked ({@code FOR UPDATE}) and replaced when older,
 * and every change the rollups must take is appended to the journal {@code rollup_pending} in the same transaction
 * (a +1 row per record that counts, a -1 row with the old content of a replaced one). The {@link RollupWorker}
 * folds the journal into the rollups after the acknowledgement; {@link #awaitRollups} waits for it. A deadlock or
 * serialization failure retries the whole transaction (nothing of it was committed). A store made with
 * {@link #withCopy} writes batches through PostgreSQL {@code COPY} instead ({@link CopyBatchWriter}: same outcome,
 * same journal, one JDBC transaction); reads and the roll-up always use the Vert.x pool.
 */
public final class PgAccountingStore implements AccountingStore, BusinessMetricsStore {
  private static final int ATTEMPTS = 5;
  private static final String RECORD_COLUMNS = "source, record_id, facility, installation, cluster, session, "
      + "user_id, proposal, community, metric, start_at, end_at, value, cumulative, late, received_at";
  static final String JOURNAL_COLUMNS = "records, hours, first_start, last_end, sign, facility, installation, "
      + "session, user_id, proposal, community, metric, start_at, end_at, value, late";
  /** The journal row's summary and entry arrays of a set of entries {@code e} (sign s). */
  static final String JOURNAL_AGGREGATES = "count(*) FILTER (WHERE s > 0), sum(ceil(extract(epoch FROM "
      + "end_at - start_at) / 3600)::bigint + 3), min(start_at), max(end_at), array_agg(s), array_agg(facility), "
      + "array_agg(installation), array_agg(session), array_agg(user_id), array_agg(proposal), array_agg(community), "
      + "array_agg(metric), array_agg(start_at), array_agg(end_at), array_agg(value), array_agg(late)";
  /** The new records, and one journal row with a +1 entry for each of them, in one statement. */
  private static final String INSERT = "WITH ins AS (INSERT INTO usage_record (" + RECORD_COLUMNS + ") SELECT source, "
      + "record_id, facility, installation, cluster, session, user_id, proposal, community, metric, start_at, end_at, "
      + "value::numeric, cumulative, late, $16 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
      + "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], "
      + "$12::timestamptz[], $13::text[], $14::bool[], $15::bool[]) WITH ORDINALITY AS t(source, record_id, facility, "
      + "installation, cluster, session, user_id, proposal, community, metric, start_at, end_at, value, cumulative, "
      + "late, o) ORDER BY o ON CONFLICT (source, record_id) DO NOTHING RETURNING source, record_id, facility, "
      + "installation, session, user_id, proposal, community, metric, start_at, end_at, value, late, 1::int2 AS s), "
      + "j AS (INSERT INTO rollup_pending (" + JOURNAL_COLUMNS + ") SELECT " + JOURNAL_AGGREGATES + " FROM ins "
      + "HAVING count(*) > 0) SELECT source, record_id FROM ins";
  /** A journal row for replaced cumulative records: -1 entries with the old content, +1 with the new. */
  private static final String JOURNAL = "INSERT INTO rollup_pending (" + JOURNAL_COLUMNS + ") SELECT "
      + JOURNAL_AGGREGATES + " FROM (SELECT s, f AS facility, i AS installation, ss AS session, u AS user_id, "
      + "p AS proposal, c AS community, m AS metric, st AS start_at, en AS end_at, v::numeric AS value, l AS late "
      + "FROM unnest($1::int2[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
      + "$9::timestamptz[], $10::timestamptz[], $11::text[], $12::bool[]) AS t(s, f, i, ss, u, p, c, m, st, en, v, l)) e";
  private static final String LOCK = "SELECT source, record_id, facility, installation, cluster, session, user_id, "
      + "proposal, community, metric, start_at, end_at, value::text AS value, cumulative, late FROM usage_record "
      + "WHERE (source, record_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY source, record_id "
      + "FOR UPDATE";
  private static final String REPLACE = "UPDATE usage_record SET facility = $3, installation = $4, cluster = $5, "
      + "session = $6, user_id = $7, proposal = $8, community = $9, metric = $10, start_at = $11, end_at = $12, "
      + "value = $13::text::numeric, late = $14, received_at = $15 WHERE source = $1 AND record_id = $2";
  private final Pool pool;
  private final RollupWorker rollups;
  private final JdbcConnections copy;

  /** A store whose rollups are applied by {@code rollups} (kicked after each ingest when it runs in the background). */
  public PgAccountingStore(Pool pool, RollupWorker rollups) {
    this(pool, rollups, null);
  }

  private PgAccountingStore(Pool pool, RollupWorker rollups, JdbcConnections copy) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.rollups = Objects.requireNonNull(rollups, "rollups");
    this.copy = copy;
  }

  /**
   * A store that ingests through PostgreSQL {@code COPY} ({@link CopyBatchWriter}) on a pool of at most
   * {@code copyConnections} JDBC connections to {@code target}'s {@code schema}, run on Vert.x worker threads; reads
   * and the roll-up use {@code pool}. {@link #close()} closes the JDBC connections.
   */
  public static PgAccountingStore withCopy(Pool pool, RollupWorker rollups, Vertx vertx, DatabaseTarget target,
      String schema, int copyConnections) {
    return new PgAccountingStore(pool, rollups,
        new JdbcConnections(vertx, target, schema, copyConnections, CopyBatchWriter.CREATE_STAGING));
  }

  /** Closes the JDBC connections of the COPY path, if any (the pool belongs to the caller). */
  public void close() {
    if (copy != null) {
      copy.close();
    }
  }

  /** A store with a worker of its own that runs only while a read waits ({@link #awaitRollups}). */
  public PgAccountingStore(Pool pool) {
    this(pool, new RollupWorker(pool));
  }

  @Override
  public Future<IngestOutcome> ingest(List<UsageRecord> batch, Instant receivedAt) {
    rollups.ingestStarted();
    Future<IngestOutcome> outcome;
    try {
      outcome = attempt(BatchPlan.of(batch), batch.size(), receivedAt, 1);
    } catch (RuntimeException e) {
      rollups.ingestEnded();
      throw e;
    }
    return outcome.onComplete(r -> {
      if (r.succeeded() && r.result().accepted() + r.result().replaced() > 0) {
        rollups.acknowledged();
      }
      rollups.ingestEnded();
    });
  }

  /** The roll-up's background steps yield while the batch is on its way too (see {@link RollupWorker#yielding}). */
  @Override
  public Runnable batchArriving() {
    rollups.ingestStarted();
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (ended.compareAndSet(false, true)) {
        rollups.ingestEnded();
      }
    };
  }

  @Override
  public Future<RollupStatus> awaitRollups() {
    return rollups.await();
  }

  private Future<IngestOutcome> attempt(BatchPlan plan, int received, Instant receivedAt, int n) {
    if (plan.unique.isEmpty()) {
      return Future.succeededFuture(new IngestOutcome(received, 0, 0, plan.duplicates, plan.stale, 0));
    }
    if (copy != null) {
      return attemptCopy(plan, received, receivedAt, 1, false);
    }
    return pool.withTransaction(conn -> write(conn, plan, received, receivedAt)).recover(e -> {
      if (n < ATTEMPTS && e instanceof PgException pg
          && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()))) {
        return attempt(plan, received, receivedAt, n + 1);
      }
      return Future.failedFuture(e);
    });
  }

  /**
   * The COPY path: first without a conflict check; a stored key (23505) retries the batch checked, a deadlock or
   * serialization failure retries it as it was.
   */
  private Future<IngestOutcome> attemptCopy(BatchPlan plan, int received, Instant receivedAt, int n,
      boolean checked) {
    return copy.inTransaction(conn -> CopyBatchWriter.write(conn, plan, received, receivedAt, checked)).recover(e -> {
      String state = e instanceof SQLException sql ? sql.getSQLState() : null;
      if (n < ATTEMPTS && ("23505".equals(state) || "40P01".equals(state) || "40001".equals(state))) {
        return attemptCopy(plan, received, receivedAt, n + 1, checked || "23505".equals(state));
      }
      return Future.failedFuture(e);
    });
  }

  private Future<IngestOutcome> write(SqlConnection conn, BatchPlan plan, int received, Instant receivedAt) {
    List<UsageRecord> rs = plan.unique;
    OffsetDateTime at = utc(receivedAt);
    return conn.preparedQuery(INSERT).execute(insertTuple(rs, at)).compose(inserted -> {
      Set<UsageRecord.Key> fresh = new HashSet<>();
      for (Row row : inserted) {
        fresh.add(new UsageRecord.Key(row.getString(0), row.getString(1)));
      }
      List<UsageRecord> conflicting = new ArrayList<>();
      int[] counts = new int[] {fresh.size(), 0, plan.duplicates, plan.stale, 0};
      for (UsageRecord r : rs) {
        if (fresh.contains(r.key())) {
          counts[4] += r.late() ? 1 : 0;
        } else {
          conflicting.add(r);
        }
      }
      List<UsageRecord[]> replacements = new ArrayList<>();
      Future<Void> replaced = conflicting.isEmpty() ? Future.succeededFuture()
          : replaceOlder(conn, conflicting, at, counts, replacements);
      return replaced.compose(v -> journal(conn, replacements))
          .map(v -> new IngestOutcome(received, counts[0], counts[1], counts[2], counts[3], counts[4]));
    });
  }

  /** Locks the stored versions of the conflicting keys; replaces older cumulative ones, counts the rest. */
  private Future<Void> replaceOlder(SqlConnection conn, List<UsageRecord> conflicting, OffsetDateTime at, int[] counts,
      List<UsageRecord[]> replacements) {
    String[] sources = conflicting.stream().map(UsageRecord::source).toArray(String[]::new);
    String[] ids = conflicting.stream().map(UsageRecord::recordId).toArray(String[]::new);
    return conn.preparedQuery(LOCK).execute(Tuple.from(new Object[] {sources, ids})).compose(rows -> {
      Map<UsageRecord.Key, UsageRecord> stored = new HashMap<>();
      for (Row row : rows) {
        UsageRecord r = read(row);
        stored.put(r.key(), r);
      }
      List<Tuple> updates = new ArrayList<>();
      for (UsageRecord incoming : conflicting) {
        UsageRecord current = stored.get(incoming.key());
        if (current != null && BatchPlan.replaces(current, incoming)) {
          replacements.add(new UsageRecord[] {current, incoming});
          updates.add(Tuple.from(new Object[] {incoming.source(), incoming.recordId(), incoming.facility(),
              incoming.installation(), incoming.cluster(), incoming.session(), incoming.user(), incoming.proposal(),
              incoming.community(), incoming.metric().wire(), utc(incoming.start()), utc(incoming.end()),
              incoming.value().toPlainString(), incoming.late(), at}));
          counts[1]++;
          counts[4] += incoming.late() ? 1 : 0;
        } else if (current != null && BatchPlan.isStale(current, incoming)) {
          counts[3]++;
        } else {
          counts[2]++;
        }
      }
      return updates.isEmpty() ? Future.<Void>succeededFuture()
          : conn.preparedQuery(REPLACE).executeBatch(updates).<Void>mapEmpty();
    });
  }

  /** Journal rows for replacements: the old version out (-1), the new one in (+1). */
  private static Future<Void> journal(SqlConnection conn, List<UsageRecord[]> replacements) {
    if (replacements.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = replacements.size() * 2;
    Short[] sign = new Short[n];
    String[][] text = new String[7][n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    OffsetDateTime[] end = new OffsetDateTime[n];
    String[] value = new String[n];
    Boolean[] late = new Boolean[n];
    int i = 0;
    for (UsageRecord[] pair : replacements) {
      for (int k = 0; k < 2; k++) {
        UsageRecord r = pair[k];
        sign[i] = (short) (k == 0 ? -1 : 1);
        text[0][i] = r.facility();
        text[1][i] = r.installation();
        text[2][i] = r.session();
        text[3][i] = r.user();
        text[4][i] = r.proposal();
        text[5][i] = r.community();
        text[6][i] = r.metric().wire();
        start[i] = utc(r.start());
        end[i] = utc(r.end());
        value[i] = r.value().toPlainString();
        late[i++] = r.late();
      }
    }
    return conn.preparedQuery(JOURNAL).execute(Tuple.from(new Object[] {sign, text[0], text[1], text[2], text[3],
        text[4], text[5], text[6], start, end, value, late})).mapEmpty();
  }

  private static Tuple insertTuple(List<UsageRecord> rs, OffsetDateTime at) {
    int n = rs.size();
    String[][] text = new String[11][n];
    OffsetDateTime[] start = new OffsetDateTime[n];
    OffsetDateTime[] end = new OffsetDateTime[n];
    Boolean[] cumulative = new Boolean[n];
    Boolean[] late = new Boolean[n];
    for (int i = 0; i < n; i++) {
      UsageRecord r = rs.get(i);
      text[0][i] = r.source();
      text[1][i] = r.recordId();
      text[2][i] = r.facility();
      text[3][i] = r.installation();
      text[4][i] = r.cluster();
      text[5][i] = r.session();
      text[6][i] = r.user();
      text[7][i] = r.proposal();
      text[8][i] = r.community();
      text[9][i] = r.metric().wire();
      text[10][i] = r.value().toPlainString();
      start[i] = utc(r.start());
      end[i] = utc(r.end());
      cumulative[i] = r.cumulative();
      late[i] = r.late();
    }
    return Tuple.from(new Object[] {text[0], text[1], text[2], text[3], text[4], text[5], text[6], text[7], text[8],
        text[9], start, end, text[10], cumulative, late, at});
  }

  private static UsageRecord read(Row row) {
    return new UsageRecord(row.getString("source"), row.getString("record_id"), row.getString("facility"),
        row.getString("installation"), row.getString("cluster"), row.getString("session"), row.getString("user_id"),
        row.getString("proposal"), row.getString("community"), Metric.parse(row.getString("metric")).orElseThrow(),
        row.getOffsetDateTime("start_at").toInstant(), row.getOffsetDateTime("end_at").toInstant(),
        new BigDecimal(row.getString("value")), row.getBoolean("cumulative"), row.getBoolean("late"));
  }

  /** A sum without trailing zeros and without an exponent (100, not 1E+2). */
  private static BigDecimal plain(String numeric) {
    BigDecimal d = new BigDecimal(numeric).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  @Override
  public Future<List<ReportRow>> report(ReportQuery q) {
    List<String> cols = new ArrayList<>();
    if (q.timeSeries()) {
      cols.add("bucket");
    }
    q.groupBy().forEach(d -> cols.add(d.wire()));
    String dims = cols.stream().map(c -> c + ", ").collect(Collectors.joining());
    String using = String.join(", ", cols) + (cols.isEmpty() ? "metric" : ", metric");
    List<Object> params = new ArrayList<>(List.of(q.granularity().wire(), utc(q.from()), utc(q.to())));
    String filters = filters(q, params);
    String where = " WHERE granularity = $1 AND bucket >= $2 AND bucket < $3" + filters;
    int grouping = groupingFor(q.granularity(), q.timeSeries(), q.from(), q.to(), q.groupBy(), q.filters());
    String users;
    if (grouping >= 0) {
      // exact distinct users per group kept by the worker: one row per group (and bucket)
      params.add((short) grouping);
      users = "SELECT " + dims + "metric, users FROM rollup_group_users WHERE bucket >= $2 AND bucket < $3 AND "
          + "grouping = $" + params.size() + " AND metric <> ''" + filters;
    } else {
      users = "SELECT " + dims + "metric, count(DISTINCT user_id) AS users FROM rollup_user" + where
          + " AND refs > 0 GROUP BY " + using;
    }
    String sql = "WITH s AS (SELECT " + dims + "metric, sum(value) AS value, sum(late_value) AS late_value, "
        + "sum(late_records)::bigint AS late_records, count(DISTINCT NULLIF(proposal, '')) AS proposals FROM rollup" + where
        + " AND records > 0 GROUP BY " + using + "), u AS (" + users + ") SELECT " + dims
        + "metric, value::text AS value, late_value::text AS late_value, late_records, proposals, "
        + "coalesce(u.users, 0) AS users FROM s LEFT JOIN u USING (" + using + ") ORDER BY " + using;
    return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
      List<ReportRow> out = new ArrayList<>();
      for (Row row : rows) {
        Map<Dimension, String> group = new EnumMap<>(Dimension.class);
        for (Dimension d : q.groupBy()) {
          String v = row.getString(d.wire());
          group.put(d, v.isEmpty() ? null : v);
        }
        Instant bucket = q.timeSeries() ? row.getOffsetDateTime("bucket").toInstant() : null;
        out.add(new ReportRow(bucket, group, Metric.parse(row.getString("metric")).orElseThrow(),
            plain(row.getString("value")), plain(row.getString("late_value")), row.getLong("late_records") > 0,
            row.getLong("users"), row.getLong("proposals")));
      }
      return out;
    });
  }

  /**
   * The grouping of {@code rollup_group_users} that holds the exact distinct users of a report's rows, or -1 when
   * none does: rows must be of one month bucket each (a month period, or a month series), grouped and filtered by
   * facility and community only, and a filtered dimension not grouped must have one value (its group is then that
   * value's).
   */
  static int groupingFor(Granularity g, boolean series, Instant from, Instant to, List<Dimension> groupBy,
      Map<Dimension, List<String>> filters) {
    if (g != Granularity.MONTH || !(series || to.equals(Granularity.MONTH.next(from)))) {
      return -1;
    }
    int grouping = 0;
    for (Dimension d : groupBy) {
      int bit = bit(d);
      if (bit < 0) {
        return -1;
      }
      grouping |= bit;
    }
    for (Map.Entry<Dimension, List<String>> f : filters.entrySet()) {
      int bit = bit(f.getKey());
      if (bit < 0 || (!groupBy.contains(f.getKey()) && f.getValue().size() != 1)) {
        return -1;
      }
      grouping |= bit;
    }
    return grouping;
  }

  private static int bit(Dimension d) {
    return switch (d) {
      case FACILITY -> 1;
      case COMMUNITY -> 4;
      default -> -1;
    };
  }

  /**
   * The query's metric and dimension filters as SQL conditions on rollup columns, each value a parameter appended to
   * {@code params} (column names come from the {@link Dimension} enum, never from the request).
   */
  static String filters(ReportQuery q, List<Object> params) {
    StringBuilder sb = new StringBuilder();
    if (!q.metrics().isEmpty()) {
      params.add(q.metrics().stream().map(Metric::wire).toArray(String[]::new));
      sb.append(" AND metric = ANY($").append(params.size()).append("::text[])");
    }
    sb.append(PgBusinessMetrics.dimensionFilters(q, params));
    return sb.toString();
  }

  @Override
  public Future<BusinessMetrics> businessMetrics(ReportQuery q) {
    return PgBusinessMetrics.read(pool, q);
  }
}
