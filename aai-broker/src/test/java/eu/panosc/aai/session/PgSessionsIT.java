package eu.panosc.aai.session;

import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The browser session contract on real PostgreSQL (schema {@code aai}). */
class PgSessionsIT extends SessionsContract {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool pool;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "aai", 8);
    pool = db.pool();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Override
  protected Sessions newStore(Clock clock, Duration lifetime) {
    return new PgSessions(pool, clock, lifetime);
  }

  @Override
  protected Transactions transactions() {
    return new PgTransactions(pool);
  }

  @Override
  protected UpstreamIdentity existingUser(UpstreamIdentity identity) {
    new PgUsers(pool, Clock.systemUTC()).recordLogin(identity).await();
    return identity;
  }
}
