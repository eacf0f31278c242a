package eu.panosc.aai.saml.metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When to fetch metadata again: after its {@code cacheDuration} (the maximum when it has none), bounded by
 * {@code min} and {@code max}, and no later than half-way to its {@code validUntil} (so a fresh copy is there before
 * the old one expires), but never sooner than {@code min}.
 *
 * @param min the shortest refresh interval (also the pause after a failed fetch)
 * @param max the longest refresh interval
 */
public record RefreshPolicy(Duration min, Duration max) {
  public RefreshPolicy {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("the refresh interval bounds must be positive with min <= max");
    }
  }

  /** The instant to refresh a document fetched at {@code now}. */
  public Instant nextRefresh(Instant now, Instant validUntil, Optional<Duration> cacheDuration) {
    Duration d = cacheDuration.orElse(max);
    if (d.compareTo(min) < 0) {
      d = min;
    } else if (d.compareTo(max) > 0) {
      d = max;
    }
    Instant next = now.plus(d);
    if (validUntil.isBefore(Instant.MAX)) {
      Instant half = now.plus(Duration.between(now, validUntil).dividedBy(2));
      Instant earliest = now.plus(min);
      if (next.isAfter(half)) {
        next = half.isBefore(earliest) ? earliest : half;
      }
    }
    return next;
  }

  /** The instant to try again after a failed fetch at {@code now}. */
  public Instant retry(Instant now) {
    return now.plus(min);
  }
}
