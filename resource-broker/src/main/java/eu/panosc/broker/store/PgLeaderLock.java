package eu.panosc.broker.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Objects;

/**
 * Leadership through a session-level PostgreSQL advisory lock held on one dedicated connection: whichever replica
 * holds it leads; it is released with {@link #release} or when the connection (or the replica) dies.
 */
public final class PgLeaderLock implements LeaderLock {
  private final Pool pool;
  private final String name;
  private SqlConnection held;

  /** {@code name} identifies the singleton, e.g. {@code broker.reconciler}. */
  public PgLeaderLock(Pool pool, String name) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public synchronized Future<Boolean> tryLead() {
    if (held != null) {
      SqlConnection c = held;
      // still ours as long as the connection answers
      return c.query("SELECT 1").execute().map(x -> true).recover(e -> {
        forget(c);
        return Future.succeededFuture(false);
      });
    }
    return pool.getConnection().compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock(hashtextextended($1, 7031))")
        .execute(Tuple.of(name)).map(rows -> rows.iterator().next().getBoolean(0)).compose(got -> {
          if (got) {
            synchronized (this) {
              held = c;
            }
            c.closeHandler(v -> forget(c));
            return Future.succeededFuture(true);
          }
          return c.close().map(false);
        }, e -> c.close().transform(x -> Future.failedFuture(e))));
  }

  private synchronized void forget(SqlConnection c) {
    if (held == c) {
      held = null;
    }
  }

  @Override
  public synchronized Future<Void> release() {
    SqlConnection c = held;
    held = null;
    if (c == null) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("SELECT pg_advisory_unlock(hashtextextended($1, 7031))").execute(Tuple.of(name))
        .transform(x -> c.close());
  }
}
