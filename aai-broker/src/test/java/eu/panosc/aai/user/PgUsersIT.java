package eu.panosc.aai.user;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The user store contract on real PostgreSQL (schema {@code aai}). */
class PgUsersIT extends UsersContract {
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
  protected Users newStore(Clock clock) {
    return new PgUsers(pool, clock);
  }
}
