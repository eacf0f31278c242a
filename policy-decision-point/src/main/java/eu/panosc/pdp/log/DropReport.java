package eu.panosc.pdp.log;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * When to tell the operator that decisions were not recorded: the writer asks at every flush with the total
 * dropped so far ({@value DecisionQueue#METER_DROPPED}); the answer is how many were dropped since the last
 * report, at most once per {@code interval} (so a long database outage gives one line per interval, not one per
 * decision), and 0 when nothing new was dropped or the interval has not passed. Not thread-safe: used by the
 * writer on its own context.
 */
final class DropReport {
  private final Clock clock;
  private final long intervalMillis;
  private long reported;
  private long lastAt;
  private boolean any;

  DropReport(Clock clock, Duration interval) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = interval.toMillis();
  }

  /** How many of {@code droppedTotal} to report now (0: nothing to say yet). */
  long due(double droppedTotal) {
    long total = (long) droppedTotal;
    long now = clock.millis();
    if (total <= reported || (any && now - lastAt < intervalMillis)) {
      return 0;
    }
    long news = total - reported;
    reported = total;
    lastAt = now;
    any = true;
    return news;
  }

  /** Whatever was dropped and not reported yet, regardless of the interval (at shutdown). */
  long remaining(double droppedTotal) {
    long news = Math.max(0, (long) droppedTotal - reported);
    reported += news;
    return news;
  }
}
