package eu.panosc.aai.token;

import eu.panosc.platform.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The revocation list contract on real PostgreSQL, each instance on its own pool (one per replica). */
class PgRevokedTokensIT extends RevokedTokensContract {
  @TempDir
  static Path dataDir;
  static TestDatabase db;

  @BeforeAll
  static void start() {
    db = TestDatabase.migrated(dataDir, "aai", 2);
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Override
  protected RevokedTokens newRevokedTokens(Clock clock) {
    return new PgRevokedTokens(db.pool(), clock);
  }

  @Override
  protected Vertx vertx() {
    return db.vertx();
  }
}
