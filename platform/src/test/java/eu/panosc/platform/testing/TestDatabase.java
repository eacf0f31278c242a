package eu.panosc.platform.testing;

import eu.panosc.platform.config.DatabaseConfig;
import eu.panosc.platform.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store's test database: embedded PostgreSQL under {@code dataDir} with one service's schema migrated, a Vert.x
 * instance and as many pools on that schema as the test needs (one per simulated replica). Closing it closes the
 * pools, Vert.x and the database.
 */
public final class TestDatabase implements AutoCloseable {
  private final Database db;
  private final Vertx vertx = Vertx.vertx();
  private final String schema;
  private final List<Pool> pools = new ArrayList<>();

  private TestDatabase(Database db, String schema) {
    this.db = db;
    this.schema = schema;
  }

  /** Opens the database under {@code dataDir} and migrates {@code schema}; pools hold up to {@code poolSize}. */
  public static TestDatabase migrated(Path dataDir, String schema, int poolSize) {
    Database db = Database.open(new DatabaseConfig(Optional.empty(), poolSize, 0, Duration.ofSeconds(5)), dataDir);
    db.migrate(schema);
    return new TestDatabase(db, schema);
  }

  /** A new pool on the schema, closed with this database. */
  public Pool pool() {
    Pool pool = db.pool(vertx, schema);
    pools.add(pool);
    return pool;
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    pools.forEach(p -> p.close().await());
    vertx.close().await();
    db.close();
  }
}
