package eu.panosc.platform.health;

import io.vertx.core.Future;

/** One condition for readiness, e.g. "the database answers and its migrations are applied". */
public interface ReadinessCheck {
  /** A short name used as the key in the readiness answer. */
  String name();

  /** Succeeds when the condition holds; fails with a message safe to show to operators. */
  Future<Void> check();
}
