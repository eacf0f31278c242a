package eu.panosc.aai.user;

import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user store contract on real PostgreSQL (schema {@code aai}). */
class PgUsersIT extends UsersContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected Users newStore(Clock clock) {
    return new PgUsers(db.shared(), clock);
  }
}
