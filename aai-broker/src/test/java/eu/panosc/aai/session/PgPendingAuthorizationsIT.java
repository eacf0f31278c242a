package eu.panosc.aai.session;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pending authorization contract on real PostgreSQL (schema {@code aai}). */
class PgPendingAuthorizationsIT extends PendingAuthorizationsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected PendingAuthorizations newStore(Clock clock, Duration lifetime) {
    return new PgPendingAuthorizations(db.shared(), clock, lifetime);
  }
}
