package eu.panosc.aai.token;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link RevokedTokens} in PostgreSQL ({@code aai.revoked_token}), mirrored in memory. */
public final class PgRevokedTokens implements RevokedTokens {
  private final Pool pool;
  private final Clock clock;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

  public PgRevokedTokens(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Long> start(Vertx vertx, long refreshMillis) {
    return reload().map(v -> vertx.setPeriodic(refreshMillis, t -> reload()));
  }

  Future<Void> reload() {
    return pool.preparedQuery("DELETE FROM revoked_token WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(v -> pool.query("SELECT jti, expires_at FROM revoked_token").execute())
        .map(rows -> {
          rows.forEach(r -> revoked.put(r.getString(0), r.getOffsetDateTime(1).toInstant()));
          Instant now = clock.instant();
          revoked.values().removeIf(exp -> exp.isBefore(now));
          return null;
        });
  }

  @Override
  public boolean isRevoked(String jti) {
    return jti != null && revoked.containsKey(jti);
  }

  @Override
  public Future<Void> revoke(String jti, String clientId, Instant expiresAt) {
    revoked.put(jti, expiresAt);
    return pool.preparedQuery("INSERT INTO revoked_token (jti, client_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT (jti) DO NOTHING")
        .execute(Tuple.of(jti, clientId, expiresAt.atOffset(ZoneOffset.UTC), clock.instant().atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
