package eu.panosc.aai.authorize;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pushed authorization request contract on real PostgreSQL (schema {@code aai}). */
class PgPushedRequestsIT extends PushedRequestsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 8);

  @Override
  protected PushedRequests newStore(Clock clock, Duration lifetime) {
    return new PgPushedRequests(db.shared(), clock, lifetime);
  }
}
