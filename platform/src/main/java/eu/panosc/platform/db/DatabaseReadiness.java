package eu.panosc.platform.db;

import eu.panosc.platform.health.ReadinessCheck;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Objects;

/** Ready when the service's pool answers {@code SELECT 1}; migrations ran before the pool was offered. */
public final class DatabaseReadiness implements ReadinessCheck {
  private final Pool pool;

  public DatabaseReadiness(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public String name() {
    return "database";
  }

  @Override
  public Future<Void> check() {
    return pool.query("SELECT 1").execute()
        .recover(e -> Future.failedFuture("database unreachable"))
        .mapEmpty();
  }
}
