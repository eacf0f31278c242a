package eu.panosc.keycloak.pdp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The datasets a user may read, per subject, for at most {@code ttl} and at most {@code maxEntries} subjects (least
 * recently used dropped first). Only successful answers are kept: a failure is asked again next time.
 */
public final class DatasetCache {
  private final Duration ttl;
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Cached> entries;

  private record Cached(List<String> datasets, Instant until) {
  }

  public DatasetCache(Duration ttl, int maxEntries, Clock clock) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative");
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1");
    }
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > DatasetCache.this.maxEntries;
      }
    };
  }

  /** The cached datasets of {@code subject}, unless absent or expired. */
  public synchronized Optional<List<String>> get(String subject) {
    Cached e = entries.get(subject);
    if (e == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(e.until())) {
      entries.remove(subject);
      return Optional.empty();
    }
    return Optional.of(e.datasets());
  }

  /** Keeps {@code datasets} for {@code subject} (a zero ttl keeps nothing). */
  public synchronized void put(String subject, List<String> datasets) {
    if (!ttl.isZero()) {
      entries.put(subject, new Cached(List.copyOf(datasets), clock.instant().plus(ttl)));
    }
  }

  /** How many subjects are cached (expired ones included until looked at). */
  public synchronized int size() {
    return entries.size();
  }

  public Duration ttl() {
    return ttl;
  }

  public int maxEntries() {
    return maxEntries;
  }
}
