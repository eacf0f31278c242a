package eu.panosc.broker.store;

import io.vertx.core.Future;

/**
 * Leadership for singletons (the reconciler): at most one holder among all replicas sharing the database.
 */
public interface LeaderLock {
  /** True if this replica leads now (taking the lock if free); stays true until {@link #release} or loss. */
  Future<Boolean> tryLead();

  Future<Void> release();
}
