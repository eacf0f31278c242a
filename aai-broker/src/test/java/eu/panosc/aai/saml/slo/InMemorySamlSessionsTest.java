package eu.panosc.aai.saml.slo;

import java.time.Clock;
import java.time.Duration;

/** The Single Logout store contract in memory. */
class InMemorySamlSessionsTest extends SamlSessionsContract {
  @Override
  protected SamlSessions newStore(Clock clock, Duration logoutLifetime) {
    return new InMemorySamlSessions(clock, logoutLifetime);
  }
}
