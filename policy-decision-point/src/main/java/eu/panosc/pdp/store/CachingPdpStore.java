package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/**
 * The resolver chain's write side: writes go to PostgreSQL and, once committed, into the
 * {@link RelationCache} that decisions read, through the {@link CacheFollower} that also replays the other
 * replicas' writes (in sequence order, so a write of this replica never overtakes an earlier one of
 * another). A failed write leaves the cache untouched.
 */
public final class CachingPdpStore implements PdpStore {
  private final PgPdpStore local;
  private final CacheFollower follower;

  public CachingPdpStore(PgPdpStore local, CacheFollower follower) {
    this.local = Objects.requireNonNull(local, "local");
    this.follower = Objects.requireNonNull(follower, "follower");
  }

  /**
   * Answers the batch's sequence number once this replica's cache holds it. The changes are checked
   * ({@link Change#checked}) before anything is written, so the cache gets exactly what PostgreSQL stores.
   */
  @Override
  public Future<Long> apply(List<Change> changes) {
    List<Change> copy;
    try {
      copy = changes.stream().map(Change::checked).toList();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (copy.isEmpty()) {
      return Future.succeededFuture(follower.applied());
    }
    return local.apply(copy).compose(seq -> follower.committed(seq, copy));
  }

  @Override
  public Future<Snapshot> snapshot() {
    return local.snapshot();
  }
}
