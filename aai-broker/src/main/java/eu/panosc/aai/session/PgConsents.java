package eu.panosc.aai.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** {@link Consents} in PostgreSQL ({@code aai.consent}). */
public final class PgConsents implements Consents {
  private final Pool pool;
  private final Clock clock;

  public PgConsents(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Boolean> covers(String userId, String clientId, Collection<String> scopes) {
    return granted(userId, clientId).map(g -> g.containsAll(scopes));
  }

  private Future<Set<String>> granted(String userId, String clientId) {
    return pool.preparedQuery("SELECT scopes FROM consent WHERE user_id = $1 AND client_id = $2")
        .execute(Tuple.of(userId, clientId))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> r.getJsonArray(0).forEach(s -> out.add((String) s)));
          return out;
        });
  }

  @Override
  public Future<Void> remember(String userId, String clientId, Collection<String> scopes) {
    // one statement: concurrent consents of one user and client serialize on the row and each adds its scopes
    return pool.preparedQuery("INSERT INTO consent (user_id, client_id, scopes, granted_at) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT (user_id, client_id) DO UPDATE SET granted_at = EXCLUDED.granted_at, scopes ="
            + " (SELECT jsonb_agg(DISTINCT s ORDER BY s) FROM jsonb_array_elements_text(consent.scopes || EXCLUDED.scopes) s)")
        .execute(Tuple.of(userId, clientId, new JsonArray(List.copyOf(new TreeSet<>(scopes))),
            clock.instant().atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  @Override
  public Future<List<Given>> given(String userId) {
    return pool.preparedQuery("SELECT client_id, scopes, granted_at FROM consent WHERE user_id = $1 ORDER BY client_id")
        .execute(Tuple.of(userId))
        .map(rows -> {
          List<Given> out = new java.util.ArrayList<>();
          rows.forEach(r -> out.add(new Given(r.getString(0), r.getJsonArray(1).stream().map(String::valueOf).toList(),
              r.getOffsetDateTime(2).toInstant())));
          return out;
        });
  }

  @Override
  public Future<Boolean> revoke(String userId, String clientId) {
    return pool.preparedQuery("DELETE FROM consent WHERE user_id = $1 AND client_id = $2")
        .execute(Tuple.of(userId, clientId)).map(rows -> rows.rowCount() == 1);
  }
}
