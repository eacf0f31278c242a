package eu.panosc.aai.oidc;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upstream session contract on real PostgreSQL (schema {@code aai}, V30). */
class PgOidcSessionsIT extends OidcSessionsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected OidcSessions newStore(Clock clock, Duration lifetime) {
    return new PgOidcSessions(db.shared(), clock, lifetime);
  }
}
