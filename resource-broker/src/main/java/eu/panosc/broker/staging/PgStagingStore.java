package eu.panosc.broker.staging;

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
  private final Pool pool;

  public PgStagingStore(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Void> put(StagingProgress p) {
    return pool.preparedQuery("INSERT INTO session_staging (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        + "$9, $10, $11) ON CONFLICT (session_id) DO UPDATE SET cluster = excluded.cluster, job = excluded.job, "
        + "state = excluded.state, datasets = excluded.datasets, done = excluded.done, "
        + "bytes_total = excluded.bytes_total, bytes_done = excluded.bytes_done, reason = excluded.reason, "
        + "started = excluded.started, updated = excluded.updated")
        .execute(Tuple.from(new Object[] {p.sessionId(), p.cluster(), p.job(), p.state().name(), p.datasets(), p.done(),
            p.bytesTotal(), p.bytesDone(), p.reason().orElse(null), p.started().atOffset(ZoneOffset.UTC),
            p.updated().atOffset(ZoneOffset.UTC)})).mapEmpty();
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
