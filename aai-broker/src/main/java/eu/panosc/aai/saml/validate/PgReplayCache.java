package eu.panosc.aai.saml.validate;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * {@link ReplayCache} in PostgreSQL ({@code aai.saml_assertion_use}), shared by every replica: one statement inserts
 * the key or takes over an expired row, so concurrent uses on any replica are decided by the primary key.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.5</a>
 */
public final class PgReplayCache implements ReplayCache {
  private final Pool pool;
  private final Clock clock;

  public PgReplayCache(Pool pool, Clock clock) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<Boolean> firstUse(String issuer, String assertionId, Instant expires) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(assertionId, "assertionId");
    Objects.requireNonNull(expires, "expires");
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO saml_assertion_use (issuer, assertion_id, expires_at, used_at)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT (issuer, assertion_id) DO UPDATE"
            + " SET expires_at = EXCLUDED.expires_at, used_at = EXCLUDED.used_at"
            + " WHERE saml_assertion_use.expires_at <= EXCLUDED.used_at RETURNING 1")
        .execute(Tuple.of(issuer, assertionId, expires.atOffset(ZoneOffset.UTC), now))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Integer> purgeExpired() {
    return pool.preparedQuery("DELETE FROM saml_assertion_use WHERE expires_at <= $1")
        .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.rowCount());
  }
}
