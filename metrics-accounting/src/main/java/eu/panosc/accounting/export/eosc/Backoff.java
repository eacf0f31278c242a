package eu.panosc.accounting.export.eosc;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: before attempt {@code n + 1} (after {@code n} failures in a row) wait between half
 * and all of {@code min(max, base × 2^n)}, chosen at random so that replicas and installations do not retry in step;
 * never less than the service's Retry-After (capped at one day).
 */
public record Backoff(Duration base, Duration max, RandomGenerator random) {
  static final Duration LONGEST_RETRY_AFTER = Duration.ofDays(1);

  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(random, "random");
  }

  public Duration delay(int failures, Optional<Duration> retryAfter) {
    long cap = max.toMillis();
    long d = base.toMillis();
    for (int i = 0; i < failures && d < cap; i++) {
      d = Math.min(cap, d * 2);
    }
    d = Math.min(cap, d);
    long jittered = d / 2 + random.nextLong(d - d / 2 + 1);
    Duration out = Duration.ofMillis(jittered);
    if (retryAfter.isPresent()) {
      Duration ra = retryAfter.get().compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter.get();
      out = ra.compareTo(out) > 0 ? ra : out;
    }
    return out;
  }
}
