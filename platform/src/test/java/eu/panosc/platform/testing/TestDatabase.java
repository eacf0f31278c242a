package eu.panosc.platform.testing;

import eu.panosc.platform.config.DatabaseConfig;
import eu.panosc.platform.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test fixture, not a test: embedded PostgreSQL with one service's schema migrated, a Vert.x instance and as many
 * pools on that schema as the test needs (one per simulated replica). Either open it yourself
 * ({@link #migrated}) and close it, or register it once per class ({@code @RegisterExtension static final
 * TestDatabase db = TestDatabase.perClass("aai", 8);}): it then opens under a temporary directory before the
 * class's tests and closes (and deletes the directory) after them.
 */
public final class TestDatabase implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private final String schema;
  private final int poolSize;
  private final List<Pool> pools = new ArrayList<>();
  private Database db;
  private Vertx vertx;
  private Pool shared;
  private Path ownDir;

  private TestDatabase(String schema, int poolSize) {
    this.schema = schema;
    this.poolSize = poolSize;
  }

  /** Opens the database under {@code dataDir} and migrates {@code schema}; pools hold up to {@code poolSize}. */
  public static TestDatabase migrated(Path dataDir, String schema, int poolSize) {
    TestDatabase t = new TestDatabase(schema, poolSize);
    t.open(dataDir);
    return t;
  }

  /** A fixture opened before a class's tests and closed after them (register it with {@code @RegisterExtension}). */
  public static TestDatabase perClass(String schema, int poolSize) {
    return new TestDatabase(schema, poolSize);
  }

  private void open(Path dataDir) {
    db = Database.open(new DatabaseConfig(Optional.empty(), poolSize, 0, Duration.ofSeconds(5)), dataDir);
    db.migrate(schema);
    vertx = Vertx.vertx();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    ownDir = Files.createTempDirectory("panosc-test-db");
    open(ownDir);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** A new pool on the schema, closed with this database. */
  public Pool pool() {
    Pool pool = db.pool(vertx, schema);
    pools.add(pool);
    return pool;
  }

  /** One pool shared by the callers that need no replica of their own. */
  public synchronized Pool shared() {
    if (shared == null) {
      shared = pool();
    }
    return shared;
  }

  /** Where the database is (for JDBC paths); its schema is the one given at creation. */
  public eu.panosc.platform.db.DatabaseTarget target() {
    return db.target();
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    pools.forEach(p -> p.close().await());
    pools.clear();
    shared = null;
    vertx.close().await();
    db.close();
    if (ownDir != null) {
      try (var files = Files.walk(ownDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
