package eu.panosc.platform.db;

import eu.panosc.platform.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The process's PostgreSQL: embedded under the data directory, or external when configured. Hands
 * each service a pool bound to its own schema. {@link #open} and {@link #close} block.
 */
public final class Database implements AutoCloseable {
  private final DatabaseTarget target;
  private final DatabaseConfig config;
  private final EmbeddedDatabase embedded;

  private Database(DatabaseTarget target, DatabaseConfig config, EmbeddedDatabase embedded) {
    this.target = Objects.requireNonNull(target, "target");
    this.config = config;
    this.embedded = embedded;
  }

  public static Database open(DatabaseConfig config, Path dataDir) {
    if (config.embedded()) {
      EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, config.embeddedPort());
      return new Database(db.target(), config, db);
    }
    DatabaseTarget target;
    try {
      target = DatabaseTarget.fromUrl(config.url().orElseThrow());
    } catch (IllegalArgumentException e) {
      throw new DatabaseException(e.getMessage(), e);
    }
    return new Database(target, config, null);
  }

  public DatabaseTarget target() {
    return target;
  }

  /** The embedded server, when this process runs one. */
  public Optional<EmbeddedDatabase> embedded() {
    return Optional.ofNullable(embedded);
  }

  /** Applies {@code schema}'s migrations (blocking). */
  public String migrate(String schema) {
    return Migrations.migrate(target, schema);
  }

  /** A pool whose connections use {@code schema} as their search path. */
  public Pool pool(Vertx vertx, String schema) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize()).setName("pg-" + schema)
            .setConnectionTimeout((int) config.connectTimeout().toMillis())
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis()))
        .connectingTo(target.connectOptions(schema))
        .using(vertx)
        .build();
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
