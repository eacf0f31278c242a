package eu.panosc.aai.register;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pending registration contract on real PostgreSQL (schema {@code aai}, V27). */
class PgPendingRegistrationsIT extends PendingRegistrationsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected PendingRegistrations newStore(Clock clock, Duration lifetime) {
    return new PgPendingRegistrations(db.shared(), clock, lifetime);
  }
}
