package eu.panosc.aai.saml.validate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;

/**
 * One-time use of assertions: remembers each (issuer, assertion id) until the assertion has expired, shared by every
 * replica (PostgreSQL) or by one process (memory).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.5</a>
 */
public interface ReplayCache {
  /**
   * Records a use of the assertion; true the first time (or after an earlier record expired), false while a record
   * made before is still live. Exactly one of concurrent callers with the same key gets true.
   */
  Future<Boolean> firstUse(String issuer, String assertionId, Instant expires);

  /** Forgets records whose assertion has expired; answers how many were dropped. */
  Future<Integer> purgeExpired();

  /**
   * Purges every {@code periodMillis} on {@code vertx}'s timer (a failed purge is retried at the next tick: the
   * records only take space, one-time use does not depend on them being gone); answers the timer id to cancel.
   */
  default long schedulePurge(Vertx vertx, long periodMillis) {
    return vertx.setPeriodic(periodMillis, timer -> purgeExpired().onFailure(e -> org.slf4j.LoggerFactory
        .getLogger(ReplayCache.class)
        .warn("purging expired SAML assertion records failed ({}); retrying in {} ms", e.toString(), periodMillis)));
  }
}
