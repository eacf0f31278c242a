package eu.panosc.aai.account;

import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.Users;
import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The identities contract on real PostgreSQL (schema {@code aai}, V31). */
class PgIdentitiesIT extends IdentitiesContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 4);

  @Override
  protected Identities newStore(Clock clock) {
    return new PgIdentities(db.shared(), clock);
  }

  @Override
  protected Users newUsers(Clock clock) {
    return new PgUsers(db.shared(), clock);
  }
}
