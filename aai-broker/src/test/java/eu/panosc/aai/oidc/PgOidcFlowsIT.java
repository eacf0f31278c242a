package eu.panosc.aai.oidc;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OIDC flow state contract on real PostgreSQL (schema {@code aai}, V29). */
class PgOidcFlowsIT extends OidcFlowsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected OidcFlows newStore(Clock clock, Duration lifetime) {
    return new PgOidcFlows(db.shared(), clock, lifetime);
  }
}
