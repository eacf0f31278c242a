package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where the PDP's facts live: facilities, proposals, members, staff roles and datasets.
 * {@link #apply} writes a list of changes atomically (all or none) and in order; upserts are
 * idempotent. Implementations: {@link PgPdpStore}; {@link CachingPdpStore} decorates one.
 */
public interface PdpStore {
  /**
   * Applies {@code changes} in one transaction, in order. Fails with {@link StoreException} on a rule
   * violation. Answers the change sequence number the batch got (see {@link ChangeLog}); an empty list
   * writes nothing and answers a number no newer than the current one.
   */
  Future<Long> apply(List<Change> changes);

  /** Everything, for loading the decision cache. */
  Future<Snapshot> snapshot();
}
