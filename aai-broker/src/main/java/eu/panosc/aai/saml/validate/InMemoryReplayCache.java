package eu.panosc.aai.saml.validate;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ReplayCache} of one process (tests, a single-replica deployment without a database); a record whose assertion
 * has expired is replaced on its next use and dropped by {@link #purgeExpired()} (see {@link #schedulePurge}).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.5</a>
 */
public final class InMemoryReplayCache implements ReplayCache {
  private final Clock clock;
  private final ConcurrentHashMap<Key, Instant> used = new ConcurrentHashMap<>();

  public InMemoryReplayCache(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private record Key(String issuer, String assertionId) {}

  @Override
  public Future<Boolean> firstUse(String issuer, String assertionId, Instant expires) {
    Objects.requireNonNull(expires, "expires");
    Key key = new Key(Objects.requireNonNull(issuer, "issuer"), Objects.requireNonNull(assertionId, "assertionId"));
    Instant now = clock.instant();
    boolean[] first = {false};
    used.compute(key, (k, previous) -> {
      if (previous == null || !previous.isAfter(now)) {
        first[0] = true;
        return expires;
      }
      return previous;
    });
    return Future.succeededFuture(first[0]);
  }

  @Override
  public Future<Integer> purgeExpired() {
    Instant now = clock.instant();
    int before = used.size();
    used.values().removeIf(expires -> !expires.isAfter(now));
    return Future.succeededFuture(before - used.size());
  }

  /** Whether a record (live or expired, not yet purged) is held; for tests. */
  boolean holds(String issuer, String assertionId) {
    return used.containsKey(new Key(issuer, assertionId));
  }
}
