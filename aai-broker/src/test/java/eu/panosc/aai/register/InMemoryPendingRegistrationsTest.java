package eu.panosc.aai.register;

import java.time.Clock;
import java.time.Duration;

/** The pending registration contract in memory. */
class InMemoryPendingRegistrationsTest extends PendingRegistrationsContract {
  @Override
  protected PendingRegistrations newStore(Clock clock, Duration lifetime) {
    return new InMemoryPendingRegistrations(clock, lifetime);
  }
}
