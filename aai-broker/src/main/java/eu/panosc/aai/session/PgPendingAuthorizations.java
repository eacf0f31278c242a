package eu.panosc.aai.session;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Storable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/** {@link PendingAuthorizations} in PostgreSQL ({@code aai.pending_authorization}). */
public final class PgPendingAuthorizations implements PendingAuthorizations {
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public PgPendingAuthorizations(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Future<String> save(JsonObject request) {
    String id = Opaque.random();
    return Storable.checked("request", request)
        .compose(r -> pool.preparedQuery("INSERT INTO pending_authorization (id_hash, request, expires_at)"
                + " VALUES ($1, $2, $3)")
            .execute(Tuple.of(Opaque.hash(id), r, clock.instant().plus(lifetime).atOffset(ZoneOffset.UTC))))
        .map(v -> id);
  }

  @Override
  public Future<Void> bindSession(String id, String sid) {
    return pool.preparedQuery("UPDATE pending_authorization SET request = request || jsonb_build_object($2::text, $3::text)"
            + " WHERE id_hash = $1")
        .execute(Tuple.of(Opaque.hash(id), SESSION_FIELD, sid)).mapEmpty();
  }

  @Override
  public Future<Void> attach(String id, JsonObject fields) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture();
    }
    return Storable.checked("request", fields)
        .compose(f -> pool.preparedQuery("UPDATE pending_authorization SET request = request || $2 WHERE id_hash = $1")
            .execute(Tuple.of(Opaque.hash(id), f)))
        .mapEmpty();
  }

  @Override
  public Future<Optional<JsonObject>> find(String id) {
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT request FROM pending_authorization WHERE id_hash = $1 AND expires_at > $2")
        .execute(Tuple.of(Opaque.hash(id), clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getJsonObject(0)));
  }

  @Override
  public Future<Boolean> delete(String id) {
    return pool.preparedQuery("DELETE FROM pending_authorization WHERE id_hash = $1").execute(Tuple.of(Opaque.hash(id)))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM pending_authorization WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
