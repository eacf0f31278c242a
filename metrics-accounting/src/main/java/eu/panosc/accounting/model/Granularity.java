package eu.panosc.accounting.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** The rollup periods, in UTC: a bucket is named by the instant it starts. */
public enum Granularity {
  HOUR("hour"),
  DAY("day"),
  MONTH("month");

  private final String wire;

  Granularity(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The start of the bucket holding {@code t}. */
  public Instant floor(Instant t) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    return switch (this) {
      case HOUR -> z.truncatedTo(ChronoUnit.HOURS).toInstant();
      case DAY -> z.truncatedTo(ChronoUnit.DAYS).toInstant();
      case MONTH -> z.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
    };
  }

  /** The start of the bucket after the one starting at {@code bucket}. */
  public Instant next(Instant bucket) {
    ZonedDateTime z = bucket.atZone(ZoneOffset.UTC);
    return switch (this) {
      case HOUR -> z.plusHours(1).toInstant();
      case DAY -> z.plusDays(1).toInstant();
      case MONTH -> z.plusMonths(1).toInstant();
    };
  }

  /** Whether {@code t} is a bucket boundary. */
  public boolean aligned(Instant t) {
    return floor(t).equals(t);
  }
}
