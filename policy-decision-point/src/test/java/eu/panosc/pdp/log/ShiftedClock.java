package eu.panosc.pdp.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock plus an offset the test sets. Not the platform's MutableClock: the platform checks
 * bearer tokens (minted at real time, valid 5 minutes) against the same clock, so a frozen clock would
 * reject them once the test runs longer than the allowed skew; this one moves with real time and is
 * shifted only while a test needs it.
 */
final class ShiftedClock extends Clock {
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  void shift(Duration d) {
    offset.set(d);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
