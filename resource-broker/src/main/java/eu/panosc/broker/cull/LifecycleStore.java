package eu.panosc.broker.cull;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Activity and notices of sessions (tables {@code session_activity}, {@code session_notice}). Every implementation
 * passes {@code LifecycleStoreContract}.
 */
public interface LifecycleStore {
  /** Records a new session's inactivity limit (idempotent). */
  Future<Void> register(String sessionId, Duration inactivity, Instant at);

  /**
   * Merges a report received at {@code at}: each reported instant only moves forward; {@code kernelBusy} is
   * replaced; a GPU utilisation above {@link ActivityReport#GPU_BUSY_PERCENT} counts as GPU use at {@code at}.
   */
  Future<Void> report(String sessionId, ActivityReport report, Instant at);

  /** The activity of those of {@code sessionIds} that have a row. */
  Future<Map<String, Activity>> activity(Collection<String> sessionIds);

  /** Adds a notice; false when the same one (session, kind, due, lead) exists already. */
  Future<Boolean> notify(Notice notice);

  /** The notices of those of {@code sessionIds} that have any, oldest first. */
  Future<Map<String, List<Notice>>> notices(Collection<String> sessionIds);
}
