package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/**
 * The resolver chain's write side: writes go to the local store and, once committed, into the
 * {@link RelationCache} that decisions read. A failed write leaves the cache untouched.
 */
public final class CachingPdpStore implements PdpStore {
  private final PdpStore local;
  private final RelationCache cache;

  public CachingPdpStore(PdpStore local, RelationCache cache) {
    this.local = Objects.requireNonNull(local, "local");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /** Loads the cache from the local store. */
  public Future<Void> warm() {
    return local.snapshot().onSuccess(cache::load).mapEmpty();
  }

  @Override
  public Future<Void> apply(List<Change> changes) {
    List<Change> copy = List.copyOf(changes);
    return local.apply(copy).onSuccess(v -> cache.applied(copy));
  }

  @Override
  public Future<Snapshot> snapshot() {
    return local.snapshot();
  }
}
