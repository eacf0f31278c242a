package eu.panosc.broker.access;

import eu.panosc.broker.store.BrokerStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxied traffic as session activity, batched: each request or connection marks its session seen now (in memory);
 * {@link #flush} writes the latest instant per session to the store in one call ({@link BrokerStore#touch}). A
 * session with an open WebSocket (a kernel, a desktop stream) counts as seen at every flush while it stays open. The
 * caller runs {@link #flush} periodically and once at shutdown.
 */
public final class ActivityRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityRecorder.class);

  private final BrokerStore store;
  private final Clock clock;
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

  public ActivityRecorder(BrokerStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A request to the session now. */
  public void seen(String sessionId) {
    seen.put(sessionId, clock.instant());
  }

  /** A long-lived connection (WebSocket) to the session opened. */
  public void opened(String sessionId) {
    open.computeIfAbsent(sessionId, k -> new AtomicInteger()).incrementAndGet();
    seen(sessionId);
  }

  /** A connection counted by {@link #opened} closed. */
  public void closed(String sessionId) {
    open.computeIfPresent(sessionId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    seen(sessionId);
  }

  /** How many connections to the session are open now. */
  public int openConnections(String sessionId) {
    AtomicInteger n = open.get(sessionId);
    return n == null ? 0 : n.get();
  }

  /** Writes what was seen since the last flush; answers how many sessions were touched. */
  public Future<Integer> flush() {
    Map<String, Instant> batch = new HashMap<>();
    Instant now = clock.instant();
    open.keySet().forEach(id -> batch.put(id, now));
    for (String id : Map.copyOf(seen).keySet()) {
      Instant at = seen.remove(id);
      if (at != null) {
        batch.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return store.touch(batch).map(x -> batch.size()).recover(e -> {
      LOG.warn("activity of {} session(s) could not be written: {}", batch.size(), e.getMessage());
      batch.forEach((id, at) -> seen.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
      return Future.succeededFuture(0);
    });
  }
}
