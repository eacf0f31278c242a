package eu.panosc.broker.session;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a new session's inactivity limit (per its owner's role) is recorded for the idle culler, which does not
 * know the owner's role later.
 */
@FunctionalInterface
public interface IdleLimits {
  Future<Void> register(String sessionId, Duration inactivity, Instant at);
}
