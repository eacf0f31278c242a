package eu.panosc.broker.usage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link UsageStore} on PostgreSQL (V3: {@code usage_outbox}, {@code session_usage}). {@link #accrue} locks the
 * session's mark row ({@code SELECT … FOR UPDATE}, inserted first when absent), inserts the interval's records
 * ({@code ON CONFLICT DO NOTHING}) and moves the mark, in one transaction: a record is in the outbox exactly when its
 * interval is behind the mark.
 */
public final class PgUsageStore implements UsageStore {
  private final Pool pool;

  public PgUsageStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  private static OffsetDateTime t(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  @Override
  public Future<Integer> accrue(String sessionId, Instant start, Instant to, boolean last, Interval interval) {
    return pool.withTransaction(c -> c.preparedQuery("INSERT INTO session_usage (session_id, accounted_until, final) "
        + "VALUES ($1, $2, false) ON CONFLICT (session_id) DO NOTHING").execute(Tuple.of(sessionId, t(start)))
        .compose(x -> c.preparedQuery("SELECT accounted_until, final FROM session_usage WHERE session_id = $1 "
            + "FOR UPDATE").execute(Tuple.of(sessionId)))
        .compose(rows -> {
          var row = rows.iterator().next();
          if (row.getBoolean("final")) {
            return Future.succeededFuture(0);
          }
          Instant from = row.get(OffsetDateTime.class, "accounted_until").toInstant();
          if (!from.isBefore(to)) {
            return last ? c.preparedQuery("UPDATE session_usage SET final = true WHERE session_id = $1")
                .execute(Tuple.of(sessionId)).map(0) : Future.succeededFuture(0);
          }
          List<UsageRecord> records = interval.records(from, to);
          List<Tuple> batch = new ArrayList<>();
          records.forEach(r -> batch.add(Tuple.of(r.recordId(), r.sessionId(), r.payload(), t(to))));
          Future<Integer> inserted = batch.isEmpty() ? Future.succeededFuture(0)
              : c.preparedQuery("INSERT INTO usage_outbox (record_id, session_id, payload, created, due) VALUES "
                  + "($1, $2, $3, $4, $4) ON CONFLICT (record_id) DO NOTHING").executeBatch(batch).map(rs -> {
                    int n = 0;
                    for (var r = rs; r != null; r = r.next()) {
                      n += r.rowCount();
                    }
                    return n;
                  });
          return inserted.compose(n -> c.preparedQuery("UPDATE session_usage SET accounted_until = $2, final = $3 "
              + "WHERE session_id = $1").execute(Tuple.of(sessionId, t(to), last)).map(n));
        }));
  }

  @Override
  public Future<Void> begin(String sessionId, Instant at) {
    return pool.preparedQuery("INSERT INTO session_usage (session_id, accounted_until, final) VALUES ($1, $2, false) "
        + "ON CONFLICT (session_id) DO NOTHING").execute(Tuple.of(sessionId, t(at))).mapEmpty();
  }

  @Override
  public Future<Set<String>> open() {
    return pool.query("SELECT session_id FROM session_usage WHERE NOT final").execute().map(rows -> {
      Set<String> out = new TreeSet<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  @Override
  public Future<Optional<Instant>> mark(String sessionId) {
    return pool.preparedQuery("SELECT accounted_until FROM session_usage WHERE session_id = $1")
        .execute(Tuple.of(sessionId)).map(rows -> rows.iterator().hasNext()
            ? Optional.of(rows.iterator().next().get(OffsetDateTime.class, 0).toInstant()) : Optional.empty());
  }

  @Override
  public Future<List<UsageRecord>> due(Instant now, int limit) {
    return pool.preparedQuery("SELECT record_id, session_id, payload FROM usage_outbox WHERE delivered IS NULL "
        + "AND due <= $1 ORDER BY created, record_id LIMIT $2").execute(Tuple.of(t(now), limit)).map(rows -> {
          List<UsageRecord> out = new ArrayList<>();
          rows.forEach(r -> out.add(new UsageRecord(r.getString("record_id"), r.getString("session_id"),
              (JsonObject) r.getValue("payload"))));
          return out;
        });
  }

  @Override
  public Future<Void> delivered(Collection<String> recordIds, Instant at) {
    return pool.preparedQuery("UPDATE usage_outbox SET delivered = $2, last_error = NULL WHERE record_id = ANY($1)")
        .execute(Tuple.of(recordIds.toArray(String[]::new), t(at))).mapEmpty();
  }

  @Override
  public Future<Void> failed(Collection<String> recordIds, Instant next, String reason) {
    return pool.preparedQuery("UPDATE usage_outbox SET attempts = attempts + 1, due = $2, last_error = $3 "
        + "WHERE record_id = ANY($1) AND delivered IS NULL")
        .execute(Tuple.of(recordIds.toArray(String[]::new), t(next), reason.length() > 500 ? reason.substring(0, 500)
            : reason)).mapEmpty();
  }

  @Override
  public Future<Integer> undelivered() {
    return pool.query("SELECT count(*) FROM usage_outbox WHERE delivered IS NULL").execute()
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }
}
