package eu.panosc.platform.leader;

import io.vertx.core.Future;

/** Leadership of one singleton: at most one holder among all replicas sharing the database or the Lease. */
public interface LeaderLock {
  /** True if this replica leads now (taking the lock if free); stays true until {@link #release} or loss. */
  Future<Boolean> tryLead();

  /** Gives leadership up now (another replica may take it at once); harmless when not leading. */
  Future<Void> release();
}
