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

  /** Answers the batch's sequence number once this replica's cache holds it. */
  @Override
  public Future<Long> apply(List<Change> changes) {
    List<Change> copy = List.copyOf(changes);
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
