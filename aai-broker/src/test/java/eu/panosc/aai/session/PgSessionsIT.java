package eu.panosc.aai.session;

import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The browser session contract on real PostgreSQL (schema {@code aai}). */
class PgSessionsIT extends SessionsContract {
  @RegisterExtension
  static final TestDatabase db = TestDatabase.perClass("aai", 8);

  @Override
  protected Sessions newStore(Clock clock, Duration lifetime) {
    return new PgSessions(db.shared(), clock, lifetime);
  }

  @Override
  protected Transactions transactions() {
    return new PgTransactions(db.shared());
  }

  @Override
  protected UpstreamIdentity existingUser(UpstreamIdentity identity) {
    new PgUsers(db.shared(), Clock.systemUTC()).recordLogin(identity).await();
    return identity;
  }
}
