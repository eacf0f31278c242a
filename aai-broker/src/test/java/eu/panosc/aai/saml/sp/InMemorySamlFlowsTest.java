package eu.panosc.aai.saml.sp;

import java.time.Clock;
import java.time.Duration;

/** The flow state contract in memory. */
class InMemorySamlFlowsTest extends SamlFlowsContract {
  @Override
  protected SamlFlows newStore(Clock clock, Duration lifetime) {
    return new InMemorySamlFlows(clock, lifetime);
  }
}
