package eu.panosc.broker.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What one person may hold, per role; VISA's defaults: 2 active sessions, lifetime 14 days (staff 60), inactivity
 * 4 days (staff 8).
 */
public record Limits(int maxActive, Duration lifetime, Duration inactivity) {
  public static final Limits USER_DEFAULT = new Limits(2, Duration.ofDays(14), Duration.ofDays(4));
  public static final Limits STAFF_DEFAULT = new Limits(2, Duration.ofDays(60), Duration.ofDays(8));

  public Limits {
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(inactivity, "inactivity");
  }
}
