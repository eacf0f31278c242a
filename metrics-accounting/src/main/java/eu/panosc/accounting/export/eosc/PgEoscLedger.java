package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.store.RollupWorker;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sent-ledger in PostgreSQL (table {@code eosc_export}, migration V2). {@link #refresh} is one upsert from the
 * monthly rollups under a transaction-scoped advisory lock, so two replicas never write desired values from
 * different snapshots in the wrong order; {@link #claim} is one {@code UPDATE} over rows selected with
 * {@code FOR UPDATE SKIP LOCKED}, so two replicas never claim the same row; outcomes are written only while the
 * claimant still holds the lease.
 */
public final class PgEoscLedger implements EoscLedger {
  /** Key of the advisory lock that serializes {@link #refresh} across replicas. */
  static final long REFRESH_LOCK = 0x70616e6f73634530L;
  private static final String KEY = "installation_id = $1 AND metric_definition_id = $2 AND group_id = $3 "
      + "AND period_start = $4";
  private static final String REFRESH = "INSERT INTO eosc_export AS e (installation_id, metric_definition_id, group_id, "
      + "period_start, period_end, desired) SELECT m.installation_id, d.definition_id, r.proposal, r.bucket, "
      + "(r.bucket AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC', sum(r.value) FROM rollup r "
      + "JOIN unnest($1::text[], $2::text[], $3::text[]) AS m(facility, installation, installation_id) "
      + "ON m.facility = r.facility AND m.installation = r.installation "
      + "JOIN unnest($4::text[], $5::text[]) AS d(metric, definition_id) ON d.metric = r.metric "
      + "WHERE r.granularity = 'month' AND r.bucket >= $6 AND r.bucket < $7 AND r.bucket NOT IN (SELECT "
      + "generate_series(date_trunc('month', p.first_start AT TIME ZONE 'UTC'), date_trunc('month', p.last_end AT TIME "
      + "ZONE 'UTC'), interval '1 month') AT TIME ZONE 'UTC' FROM rollup_pending p) GROUP BY 1, 2, 3, 4 "
      + "ON CONFLICT (installation_id, metric_definition_id, group_id, period_start) DO UPDATE "
      + "SET desired = excluded.desired WHERE e.desired IS DISTINCT FROM excluded.desired";
  private static final String CLAIM = "WITH c AS (SELECT installation_id, metric_definition_id, group_id, period_start, "
      + "in_flight AS was_in_flight FROM eosc_export WHERE sent IS DISTINCT FROM desired AND next_attempt_at <= $1 "
      + "AND (lease_until IS NULL OR lease_until <= $1) ORDER BY next_attempt_at, period_start, installation_id, "
      + "metric_definition_id, group_id LIMIT $4 FOR UPDATE SKIP LOCKED) "
      + "UPDATE eosc_export e SET lease_owner = $2, lease_until = $3, in_flight = e.in_flight OR e.remote_id IS NULL "
      + "FROM c WHERE e.installation_id = c.installation_id AND e.metric_definition_id = c.metric_definition_id "
      + "AND e.group_id = c.group_id AND e.period_start = c.period_start RETURNING e.installation_id, "
      + "e.metric_definition_id, e.group_id, e.period_start, e.period_end, e.desired::text AS desired, "
      + "e.sent::text AS sent, e.remote_id, c.was_in_flight, e.attempts";
  private static final String CONFIRM = "UPDATE eosc_export SET sent = $6::text::numeric, remote_id = coalesce($7, "
      + "remote_id), in_flight = false, attempts = 0, last_error = NULL, lease_owner = NULL, lease_until = NULL, "
      + "sent_at = $8, next_attempt_at = $8 WHERE " + KEY + " AND lease_owner = $5";
  private static final String FAIL = "UPDATE eosc_export SET in_flight = $6, attempts = attempts + 1, "
      + "next_attempt_at = $7, last_error = $8, lease_owner = NULL, lease_until = NULL WHERE " + KEY
      + " AND lease_owner = $5";
  private static final String FORGET = "UPDATE eosc_export SET sent = NULL, remote_id = NULL, in_flight = false, "
      + "last_error = $6, lease_owner = NULL, lease_until = NULL WHERE " + KEY + " AND lease_owner = $5";
  private static final String NEXT_DUE = "SELECT min(greatest(next_attempt_at, coalesce(lease_until, "
      + "next_attempt_at))) AS due FROM eosc_export WHERE sent IS DISTINCT FROM desired";
  private static final String ROWS = "SELECT installation_id, metric_definition_id, group_id, period_start, "
      + "desired::text AS desired, sent::text AS sent, remote_id, in_flight, attempts, next_attempt_at, last_error "
      + "FROM eosc_export ORDER BY period_start, installation_id, metric_definition_id, group_id";

  private final Pool pool;
  private final RollupWorker rollups;

  public PgEoscLedger(Pool pool, RollupWorker rollups) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.rollups = Objects.requireNonNull(rollups, "rollups");
  }

  public PgEoscLedger(Pool pool) {
    this(pool, new RollupWorker(pool));
  }

  @Override
  public Future<Integer> refresh(Instant since, Instant closedBefore,
      Map<EoscSettings.Installation, String> installations, Map<Metric, String> metricDefinitions) {
    if (!since.isBefore(closedBefore) || installations.isEmpty() || metricDefinitions.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<String> facilities = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    installations.forEach((i, id) -> {
      facilities.add(i.facility());
      names.add(i.installation());
      ids.add(id);
    });
    List<String> metrics = new ArrayList<>();
    List<String> definitions = new ArrayList<>();
    metricDefinitions.forEach((m, id) -> {
      metrics.add(m.wire());
      definitions.add(id);
    });
    Tuple t = Tuple.from(new Object[] {facilities.toArray(String[]::new), names.toArray(String[]::new),
        ids.toArray(String[]::new), metrics.toArray(String[]::new), definitions.toArray(String[]::new), utc(since),
        utc(closedBefore)});
    // months that acknowledged records not rolled up yet overlap are left as they are (not exported short); the
    // wait first lets the worker pass what was acknowledged before this cycle
    return rollups.await().compose(status -> pool.withTransaction(conn -> conn
        .preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(REFRESH_LOCK))
        .compose(v -> conn.preparedQuery(REFRESH).execute(t)).map(rs -> rs.rowCount())));
  }

  @Override
  public Future<List<LedgerEntry>> claim(String owner, Instant now, Instant leaseUntil, int limit) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(utc(now), owner, utc(leaseUntil), limit)).map(rows -> {
      List<LedgerEntry> out = new ArrayList<>();
      for (io.vertx.sqlclient.Row r : rows) {
        out.add(new LedgerEntry(key(r), r.getOffsetDateTime("period_end").toInstant(),
            new BigDecimal(r.getString("desired")), decimal(r.getString("sent")), r.getString("remote_id"),
            r.getBoolean("was_in_flight"), r.getInteger("attempts")));
      }
      return out;
    });
  }

  @Override
  public Future<Boolean> confirm(LedgerEntry.Key key, String owner, BigDecimal sent, String remoteId, Instant now) {
    return pool.preparedQuery(CONFIRM).execute(Tuple.from(new Object[] {key.installationId(),
        key.metricDefinitionId(), key.groupId(), utc(key.periodStart()), owner, sent.toPlainString(), remoteId,
        utc(now)})).map(rs -> rs.rowCount() == 1);
  }

  @Override
  public Future<Boolean> fail(LedgerEntry.Key key, String owner, boolean inFlight, Instant nextAttempt,
      String error) {
    return pool.preparedQuery(FAIL).execute(Tuple.from(new Object[] {key.installationId(), key.metricDefinitionId(),
        key.groupId(), utc(key.periodStart()), owner, inFlight, utc(nextAttempt), error}))
        .map(rs -> rs.rowCount() == 1);
  }

  @Override
  public Future<Boolean> forget(LedgerEntry.Key key, String owner, String error) {
    return pool.preparedQuery(FORGET).execute(Tuple.from(new Object[] {key.installationId(), key.metricDefinitionId(),
        key.groupId(), utc(key.periodStart()), owner, error})).map(rs -> rs.rowCount() == 1);
  }

  @Override
  public Future<Optional<Instant>> nextDue() {
    return pool.query(NEXT_DUE).execute().map(rows -> {
      OffsetDateTime due = rows.iterator().next().getOffsetDateTime("due");
      return Optional.ofNullable(due).map(OffsetDateTime::toInstant);
    });
  }

  @Override
  public Future<Long> backlog() {
    return pool.query("SELECT count(*) AS n FROM eosc_export WHERE sent IS DISTINCT FROM desired").execute()
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  @Override
  public Future<List<Row>> rows() {
    return pool.query(ROWS).execute().map(rows -> {
      List<EoscLedger.Row> out = new ArrayList<>();
      for (io.vertx.sqlclient.Row r : rows) {
        out.add(new EoscLedger.Row(key(r), new BigDecimal(r.getString("desired")), decimal(r.getString("sent")),
            r.getString("remote_id"), r.getBoolean("in_flight"), r.getInteger("attempts"),
            r.getOffsetDateTime("next_attempt_at").toInstant(), r.getString("last_error")));
      }
      return out;
    });
  }

  private static LedgerEntry.Key key(io.vertx.sqlclient.Row r) {
    return new LedgerEntry.Key(r.getString("installation_id"), r.getString("metric_definition_id"),
        r.getString("group_id"), r.getOffsetDateTime("period_start").toInstant());
  }

  private static BigDecimal decimal(String s) {
    return s == null ? null : new BigDecimal(s);
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
