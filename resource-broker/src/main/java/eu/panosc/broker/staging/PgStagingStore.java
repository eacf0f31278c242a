package eu.panosc.broker.staging;

import eu.panosc.broker.store.Announcer;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.broker.store.SessionFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The {@link StagingStore} on PostgreSQL: table {@code session_staging} (schema {@code broker}, V3). */
public final class PgStagingStore implements StagingStore {
  private static final String COLUMNS = "session_id, cluster, job, state, datasets, done, bytes_total, bytes_done, "
      + "reason, started, updated";
  private static final String UPSERT = "INSERT INTO session_staging (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, "
      + "$7, $8, $9, $10, $11) ON CONFLICT (session_id) DO UPDATE SET cluster = excluded.cluster, job = excluded.job, "
      + "state = excluded.state, datasets = excluded.datasets, done = excluded.done, "
      + "bytes_total = excluded.bytes_total, bytes_done = excluded.bytes_done, reason = excluded.reason, "
      + "started = excluded.started, updated = excluded.updated";
  // announced only when the progress moved (a pass writing the same progress again tells nobody); the CTE "o" sees
  // the row as it was before the upsert
  private static final String UPSERT_NOTIFY = "WITH o AS (SELECT state, done, bytes_done, reason FROM session_staging "
      + "WHERE session_id = $1), u AS (" + UPSERT + " RETURNING state, done, bytes_done, reason) "
      + "SELECT pg_notify($12, $13) FROM u WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.state = u.state "
      + "AND o.done = u.done AND o.bytes_done = u.bytes_done AND o.reason IS NOT DISTINCT FROM u.reason)";
  private final Pool pool;
  private final Optional<Announcer> announcer;

  public PgStagingStore(Pool pool) {
    this(pool, Optional.empty());
  }

  /** A store that announces each change of a session's progress (its state, datasets or bytes done, reason). */
  public PgStagingStore(Pool pool, Optional<Announcer> announcer) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.announcer = Objects.requireNonNull(announcer, "announcer");
  }

  @Override
  public Future<Void> put(StagingProgress p) {
    Tuple t = Tuple.from(new Object[] {p.sessionId(), p.cluster(), p.job(), p.state().name(), p.datasets(), p.done(),
        p.bytesTotal(), p.bytesDone(), p.reason().orElse(null), p.started().atOffset(ZoneOffset.UTC),
        p.updated().atOffset(ZoneOffset.UTC)});
    if (announcer.isEmpty()) {
      return pool.preparedQuery(UPSERT).execute(t).mapEmpty();
    }
    SessionFeed.Notice n = announcer.get().next(p.sessionId(), SessionFeed.Notice.STAGING);
    return pool.preparedQuery(UPSERT_NOTIFY).execute(t.addValue(PgBrokerStore.CHANNEL).addValue(n.payload()))
        .mapEmpty();
  }

  @Override
  public Future<Optional<StagingProgress>> get(String sessionId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM session_staging WHERE session_id = $1")
        .execute(Tuple.of(sessionId)).map(rows -> {
          var it = rows.iterator();
          return it.hasNext() ? Optional.of(row(it.next())) : Optional.empty();
        });
  }

  @Override
  public Future<Map<String, StagingProgress>> get(Collection<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM session_staging WHERE session_id = ANY($1)")
        .execute(Tuple.of(sessionIds.toArray(String[]::new))).map(rows -> {
          Map<String, StagingProgress> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("session_id"), row(r)));
          return out;
        });
  }

  private static StagingProgress row(Row r) {
    return new StagingProgress(r.getString("session_id"), r.getString("cluster"), r.getString("job"),
        StagingProgress.State.valueOf(r.getString("state")), r.getInteger("datasets"), r.getInteger("done"),
        r.getLong("bytes_total"), r.getLong("bytes_done"), Optional.ofNullable(r.getString("reason")),
        r.get(OffsetDateTime.class, "started").toInstant(), r.get(OffsetDateTime.class, "updated").toInstant());
  }
}
