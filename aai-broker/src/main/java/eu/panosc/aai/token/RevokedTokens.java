package eu.panosc.aai.token;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;

/**
 * Access tokens revoked before expiry (RFC 7009): written to {@code aai.revoked_token}, held in memory
 * for introspection, re-read every few seconds so that every replica learns of a revocation; rows are
 * dropped once the token would have expired anyway.
 */
public interface RevokedTokens {
  /** Loads the current set and keeps it fresh; returns the timer id. */
  Future<Long> start(Vertx vertx, long refreshMillis);

  boolean isRevoked(String jti);

  Future<Void> revoke(String jti, String clientId, Instant expiresAt);

  /**
   * Why this replica's view may miss revocations made elsewhere (the periodic re-read has failed for a while),
   * or null while it follows them. Readiness goes down while it is not null.
   */
  default String staleness() {
    return null;
  }
}
