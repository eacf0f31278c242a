package eu.panosc.aai.authorize;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Storable;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/** {@link PushedRequests} in PostgreSQL ({@code aai.pushed_authorization_request}), keyed by the SHA-256 of the request URI. */
public final class PgPushedRequests implements PushedRequests {
  private final Pool pool;
  private final Clock clock;
  private final Duration lifetime;

  public PgPushedRequests(Pool pool, Clock clock, Duration lifetime) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  @Override
  public Duration lifetime() {
    return lifetime;
  }

  @Override
  public Future<String> save(String clientId, MultiMap params) {
    JsonObject stored = new JsonObject();
    for (String name : params.names()) {
      stored.put(name, new JsonArray(params.getAll(name)));
    }
    String uri = PREFIX + Opaque.random();
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return Storable.checked("request", stored)
        .compose(p -> pool.preparedQuery("INSERT INTO pushed_authorization_request (uri_hash, client_id, params,"
                + " expires_at) VALUES ($1, $2, $3, $4)")
            .execute(Tuple.of(Opaque.hash(uri), clientId, p, now.plus(lifetime))))
        .map(v -> uri);
  }

  @Override
  public Future<Optional<MultiMap>> consume(String uri, String clientId) {
    if (uri == null || !uri.startsWith(PREFIX) || uri.length() > 200) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("DELETE FROM pushed_authorization_request WHERE uri_hash = $1 AND client_id = $2"
            + " AND expires_at > $3 RETURNING params")
        .execute(Tuple.of(Opaque.hash(uri), clientId, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          JsonObject stored = (JsonObject) rows.iterator().next().getValue(0);
          MultiMap params = MultiMap.caseInsensitiveMultiMap();
          for (String name : stored.fieldNames()) {
            stored.getJsonArray(name).forEach(v -> params.add(name, String.valueOf(v)));
          }
          return Optional.of(params);
        });
  }

  @Override
  public Future<Void> purgeExpired() {
    return pool.preparedQuery("DELETE FROM pushed_authorization_request WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }
}
