package eu.panosc.aai.saml.slo;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Single Logout store contract on real PostgreSQL (schema {@code aai}, V26). */
class PgSamlSessionsIT extends SamlSessionsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected SamlSessions newStore(Clock clock, Duration logoutLifetime) {
    return new PgSamlSessions(db.shared(), clock, logoutLifetime);
  }
}
