package eu.panosc.registry.store;

import eu.panosc.platform.config.DatabaseConfig;
import eu.panosc.platform.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The registry store contract on real PostgreSQL (the registry schema of an embedded database). */
class PgRegistryStoreIT extends RegistryStoreContract {
  @TempDir
  static Path dataDir;
  static Database db;
  static Vertx vertx;
  static Pool pool;
  static PgRegistryStore store;

  @BeforeAll
  static void start() {
    db = Database.open(new DatabaseConfig(Optional.empty(), 4, 0, Duration.ofSeconds(5)), dataDir);
    db.migrate("registry");
    vertx = Vertx.vertx();
    pool = db.pool(vertx, "registry");
    store = new PgRegistryStore(pool, Clock.systemUTC(), e -> { });
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected RegistryStore store() {
    return store;
  }
}
