package eu.panosc.aai.token;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link RevokedTokens} in PostgreSQL ({@code aai.revoked_token}), mirrored in memory. */
public final class PgRevokedTokens implements RevokedTokens {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgRevokedTokens.class);
  private final Pool pool;
  private final Clock clock;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private volatile Instant lastLoaded;
  private volatile java.time.Duration tolerated = java.time.Duration.ofSeconds(15);
  private volatile boolean failing;

  public PgRevokedTokens(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Long> start(Vertx vertx, long refreshMillis) {
    tolerated = java.time.Duration.ofMillis(Math.max(15_000, 3 * refreshMillis));
    return reload().map(v -> vertx.setPeriodic(refreshMillis, t -> reload()));
  }

  @Override
  public String staleness() {
    Instant last = lastLoaded;
    if (last == null) {
      return "the revocation list is not loaded yet";
    }
    return last.plus(tolerated).isBefore(clock.instant())
        ? "the revocation list was last read at " + last + "; revocations made by other replicas may be missed"
        : null;
  }

  Future<Void> reload() {
    return pool.preparedQuery("DELETE FROM revoked_token WHERE expires_at < $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(v -> pool.query("SELECT jti, expires_at FROM revoked_token").execute())
        .map(rows -> {
          rows.forEach(r -> revoked.put(r.getString(0), r.getOffsetDateTime(1).toInstant()));
          Instant now = clock.instant();
          revoked.values().removeIf(exp -> exp.isBefore(now));
          lastLoaded = now;
          if (failing) {
            failing = false;
            LOG.info("the revocation list is read again");
          }
          return (Void) null;
        })
        .onFailure(e -> {
          if (!failing) {
            failing = true;
            LOG.warn("cannot read the revocation list ({}); readiness goes down if this lasts {} s", e.toString(),
                tolerated.toSeconds());
          }
        });
  }

  @Override
  public boolean isRevoked(String jti) {
    return jti != null && revoked.containsKey(jti);
  }

  /**
   * Written first, counted here only once the row is stored: a failed write fails the caller (who may try again)
   * and leaves nothing that only this replica would know and a restart would forget.
   */
  @Override
  public Future<Void> revoke(String jti, String clientId, Instant expiresAt) {
    Revocation r = new Revocation(jti, clientId, expiresAt);
    return write(pool, List.of(r)).map(v -> {
      remember(List.of(r));
      return null;
    });
  }

  /** An access token to revoke: its id, the client it was issued to, when it expires. */
  record Revocation(String jti, String clientId, Instant expiresAt) {}

  /**
   * Stores the revocations on {@code client} (e.g. inside a {@link PgGrantStore} transaction), keeping the first
   * revocation time of a token revoked before; call {@link #remember} once that transaction committed.
   */
  Future<Void> write(SqlClient client, List<Revocation> revocations) {
    if (revocations.isEmpty()) {
      return Future.succeededFuture();
    }
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return client.preparedQuery("INSERT INTO revoked_token (jti, client_id, expires_at, revoked_at)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT (jti) DO NOTHING")
        .executeBatch(revocations.stream()
            .map(r -> Tuple.of(r.jti(), r.clientId(), r.expiresAt().atOffset(ZoneOffset.UTC), now)).toList())
        .mapEmpty();
  }

  /** Counts stored revocations here at once (other replicas learn of them at their next reload). */
  void remember(List<Revocation> revocations) {
    revocations.forEach(r -> revoked.put(r.jti(), r.expiresAt()));
  }
}
