package eu.panosc.aai.session;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The pending authorization contract on real PostgreSQL (schema {@code aai}). */
class PgPendingAuthorizationsIT extends PendingAuthorizationsContract {
  @TempDir
  static Path dataDir;
  static TestDatabase db;
  static Pool pool;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "aai", 4);
    pool = db.pool();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Override
  protected PendingAuthorizations newStore(Clock clock, Duration lifetime) {
    return new PgPendingAuthorizations(pool, clock, lifetime);
  }
}
