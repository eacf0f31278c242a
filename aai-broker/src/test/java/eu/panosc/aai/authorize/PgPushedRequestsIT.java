package eu.panosc.aai.authorize;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The pushed authorization request contract on real PostgreSQL (schema {@code aai}). */
class PgPushedRequestsIT extends PushedRequestsContract {
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
  protected PushedRequests newStore(Clock clock, Duration lifetime) {
    return new PgPushedRequests(pool, clock, lifetime);
  }
}
