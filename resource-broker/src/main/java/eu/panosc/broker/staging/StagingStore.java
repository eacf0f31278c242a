package eu.panosc.broker.staging;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Where staging progress is kept, one row per session. Every implementation passes {@code StagingStoreContract}. */
public interface StagingStore {
  /** Inserts or replaces the progress of its session. */
  Future<Void> put(StagingProgress progress);

  Future<Optional<StagingProgress>> get(String sessionId);

  /** The progress of those of {@code sessionIds} that have any. */
  Future<Map<String, StagingProgress>> get(Collection<String> sessionIds);
}
