package eu.panosc.broker.events;

import eu.panosc.broker.cull.Notice;
import eu.panosc.broker.staging.StagingProgress;
import eu.panosc.broker.store.PgBrokerStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SessionViews} on PostgreSQL: the session, its staging progress ({@code session_staging}, joined) and its
 * notices ({@code session_notice}, aggregated) in one statement, however many sessions are asked for.
 */
public final class PgSessionViews implements SessionViews {
  private static final String SELECT = "SELECT s.*, st.cluster AS st_cluster, st.job AS st_job, st.state AS st_state, "
      + "st.datasets AS st_datasets, st.done AS st_done, st.bytes_total AS st_bytes_total, "
      + "st.bytes_done AS st_bytes_done, st.reason AS st_reason, st.started AS st_started, st.updated AS st_updated, "
      + "(SELECT json_agg(json_build_object('kind', n.kind, 'due', (extract(epoch FROM n.due) * 1000000)::bigint, "
      + "'lead', n.lead_hours, 'issued', (extract(epoch FROM n.issued) * 1000000)::bigint, 'message', n.message) "
      + "ORDER BY n.issued, n.kind) FROM session_notice n WHERE n.session_id = s.id) AS notices "
      + "FROM session s LEFT JOIN session_staging st ON st.session_id = s.id ";

  private final Pool pool;

  public PgSessionViews(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Map<String, SessionView>> get(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery(SELECT + "WHERE s.id = ANY($1)").execute(Tuple.of(ids.toArray(String[]::new)))
        .map(rows -> {
          Map<String, SessionView> out = new LinkedHashMap<>();
          rows.forEach(r -> {
            SessionView v = view(r);
            out.put(v.session().id(), v);
          });
          return out;
        });
  }

  @Override
  public Future<List<SessionView>> list(Optional<String> owner) {
    Future<RowSet<Row>> rows = owner.isPresent()
        ? pool.preparedQuery(SELECT + "WHERE s.owner_id = $1 ORDER BY s.created DESC, s.id")
            .execute(Tuple.of(owner.get()))
        : pool.query(SELECT + "ORDER BY s.created DESC, s.id").execute();
    return rows.map(rs -> {
      List<SessionView> out = new ArrayList<>();
      rs.forEach(r -> out.add(view(r)));
      return out;
    });
  }

  private static SessionView view(Row r) {
    var session = PgBrokerStore.session(r);
    Optional<StagingProgress> staging = Optional.empty();
    if (r.getString("st_state") != null) {
      staging = Optional.of(new StagingProgress(session.id(), r.getString("st_cluster"), r.getString("st_job"),
          StagingProgress.State.valueOf(r.getString("st_state")), r.getInteger("st_datasets"),
          r.getInteger("st_done"), r.getLong("st_bytes_total"), r.getLong("st_bytes_done"),
          Optional.ofNullable(r.getString("st_reason")), r.getOffsetDateTime("st_started").toInstant(),
          r.getOffsetDateTime("st_updated").toInstant()));
    }
    List<Notice> warnings = new ArrayList<>();
    Object raw = r.getValue("notices");
    JsonArray notices = raw == null ? new JsonArray() : raw instanceof JsonArray a ? a : new JsonArray(raw.toString());
    for (int i = 0; i < notices.size(); i++) {
      JsonObject n = notices.getJsonObject(i);
      warnings.add(new Notice(session.id(), Notice.Kind.valueOf(n.getString("kind")), micros(n.getLong("due")),
          n.getInteger("lead"), micros(n.getLong("issued")), n.getString("message")));
    }
    return new SessionView(session, staging, warnings);
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
