package eu.panosc.aai.session;

import eu.panosc.aai.user.PgUsers;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The consent contract on real PostgreSQL (schema {@code aai}). */
class PgConsentsIT extends ConsentsContract {
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
  protected Consents store() {
    return new PgConsents(pool, Clock.systemUTC());
  }

  @Override
  protected String existingUser(String id) {
    new PgUsers(pool, Clock.systemUTC()).recordLogin(new UpstreamIdentity(id, "N", null, List.of(), List.of(), "acr",
        List.of())).await();
    return id;
  }
}
