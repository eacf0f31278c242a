package eu.panosc.aai.saml.sp;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The flow state contract on real PostgreSQL (schema {@code aai}, V23). */
class PgSamlFlowsIT extends SamlFlowsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected SamlFlows newStore(Clock clock, Duration lifetime) {
    return new PgSamlFlows(db.shared(), clock, lifetime);
  }
}
