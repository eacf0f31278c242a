package eu.panosc.broker.cull;

import eu.panosc.broker.store.Announcer;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.broker.store.SessionFeed;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link LifecycleStore} on PostgreSQL (V3: {@code session_activity}, {@code session_notice}). A report is one
 * upsert whose instants only move forward ({@code GREATEST}), so concurrent reports never move one back.
 */
public final class PgLifecycleStore implements LifecycleStore {
  private final Pool pool;
  private final Optional<Announcer> announcer;

  public PgLifecycleStore(Pool pool) {
    this(pool, Optional.empty());
  }

  /** A store that announces each new notice of a session (a warning before its end, culled, expired). */
  public PgLifecycleStore(Pool pool, Optional<Announcer> announcer) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.announcer = Objects.requireNonNull(announcer, "announcer");
  }

  private static OffsetDateTime t(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Optional<Instant> instant(Row r, String column) {
    OffsetDateTime o = r.get(OffsetDateTime.class, column);
    return Optional.ofNullable(o).map(OffsetDateTime::toInstant);
  }

  @Override
  public Future<Void> register(String sessionId, Duration inactivity, Instant at) {
    return pool.preparedQuery("INSERT INTO session_activity (session_id, inactivity_seconds) VALUES ($1, $2) "
        + "ON CONFLICT (session_id) DO NOTHING").execute(Tuple.of(sessionId, inactivity.toSeconds())).mapEmpty();
  }

  @Override
  public Future<Void> report(String sessionId, ActivityReport r, Instant at) {
    Instant gpu = r.gpuUtilisation().filter(g -> g > ActivityReport.GPU_BUSY_PERCENT).map(g -> at).orElse(null);
    // a kernel busy now is in use now, whatever its last interaction was
    Instant kernel = r.kernelBusy().orElse(false) ? r.kernelLastActivity().filter(k -> k.isAfter(at)).orElse(at)
        : r.kernelLastActivity().orElse(null);
    return pool.preparedQuery("INSERT INTO session_activity (session_id, inactivity_seconds, kernel_at, kernel_busy, "
        + "desktop_at, gpu_at, reported_at) VALUES ($1, $2, $3, COALESCE($4, false), $5, $6, $7) "
        + "ON CONFLICT (session_id) DO UPDATE SET "
        + "kernel_at = GREATEST(session_activity.kernel_at, excluded.kernel_at), "
        + "kernel_busy = COALESCE($4, session_activity.kernel_busy), "
        + "desktop_at = GREATEST(session_activity.desktop_at, excluded.desktop_at), "
        + "gpu_at = GREATEST(session_activity.gpu_at, excluded.gpu_at), "
        + "reported_at = GREATEST(session_activity.reported_at, excluded.reported_at)")
        .execute(Tuple.from(new Object[] {sessionId, InMemoryLifecycleStore.DEFAULT_INACTIVITY.toSeconds(),
            t(kernel), r.kernelBusy().orElse(null), t(r.desktopLastInput().orElse(null)),
            t(gpu), t(at)})).mapEmpty();
  }

  @Override
  public Future<Map<String, Activity>> activity(Collection<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("SELECT session_id, inactivity_seconds, kernel_at, kernel_busy, desktop_at, gpu_at, "
        + "reported_at FROM session_activity WHERE session_id = ANY($1)")
        .execute(Tuple.of(sessionIds.toArray(String[]::new))).map(rows -> {
          Map<String, Activity> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("session_id"), new Activity(r.getString("session_id"),
              Duration.ofSeconds(r.getLong("inactivity_seconds")), instant(r, "kernel_at"), r.getBoolean("kernel_busy"),
              instant(r, "desktop_at"), instant(r, "gpu_at"), instant(r, "reported_at"))));
          return out;
        });
  }

  @Override
  public Future<Boolean> notify(Notice n) {
    String insert = "INSERT INTO session_notice (session_id, kind, due, lead_hours, issued, message) "
        + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, kind, due, lead_hours) DO NOTHING";
    Tuple t = Tuple.of(n.sessionId(), n.kind().name(), t(n.due()), n.leadHours(), t(n.issued()), n.message());
    if (announcer.isEmpty()) {
      return pool.preparedQuery(insert).execute(t).map(rows -> rows.rowCount() == 1);
    }
    // announced only when the notice is new; one row answered then
    SessionFeed.Notice announced = announcer.get().next(n.sessionId(), SessionFeed.Notice.WARNING);
    return pool.preparedQuery("WITH i AS (" + insert + " RETURNING session_id) SELECT pg_notify($7, $8) FROM i")
        .execute(t.addValue(PgBrokerStore.CHANNEL).addValue(announced.payload())).map(rows -> rows.size() == 1);
  }

  @Override
  public Future<Map<String, List<Notice>>> notices(Collection<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("SELECT session_id, kind, due, lead_hours, issued, message FROM session_notice "
        + "WHERE session_id = ANY($1) ORDER BY issued, kind").execute(Tuple.of(sessionIds.toArray(String[]::new)))
        .map(rows -> {
          Map<String, List<Notice>> out = new LinkedHashMap<>();
          rows.forEach(r -> out.computeIfAbsent(r.getString("session_id"), k -> new ArrayList<>()).add(new Notice(
              r.getString("session_id"), Notice.Kind.valueOf(r.getString("kind")),
              r.get(OffsetDateTime.class, "due").toInstant(), r.getInteger("lead_hours"),
              r.get(OffsetDateTime.class, "issued").toInstant(), r.getString("message"))));
          return out;
        });
  }
}
