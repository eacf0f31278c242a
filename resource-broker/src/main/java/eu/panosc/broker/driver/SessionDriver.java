package eu.panosc.broker.driver;

import io.vertx.core.Future;
import java.util.Set;

/**
 * Runs sessions on one cluster. Every operation is idempotent: starting a session that exists keeps it (and brings
 * its objects to the desired state), stopping one that is gone succeeds.
 */
public interface SessionDriver {
  /** Creates (or completes) what the session needs on the cluster. */
  Future<Void> start(LaunchSpec spec);

  /** What the cluster says about the session now. */
  Future<Observation> observe(String sessionId);

  /** Removes everything of the session from the cluster. */
  Future<Void> stop(String sessionId);

  /** Ids of the sessions this driver's cluster runs (including ones the broker no longer knows). */
  Future<Set<String>> sessions();

  /** Succeeds when the cluster answers; fails with the reason otherwise. */
  Future<Void> probe();

  /** Releases clients and servers; called once at shutdown (sessions keep running where they can). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * Where the broker's proxy reaches the session and how it presents the access secret there; empty when the
   * session does not run on this cluster (or the driver cannot be reached through the broker).
   */
  default Future<java.util.Optional<Upstream>> upstream(String sessionId) {
    return Future.succeededFuture(java.util.Optional.empty());
  }
}
