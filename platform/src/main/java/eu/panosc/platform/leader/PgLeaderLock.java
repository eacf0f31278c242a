package eu.panosc.platform.leader;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Objects;

/**
 * Leadership through a session-level PostgreSQL advisory lock held on one dedicated connection taken from the pool:
 * whichever replica holds it leads; it is released with {@link #release}, or by PostgreSQL when the connection (or
 * the replica) dies, and a lost connection is noticed at the next {@link #tryLead}, which then answers false. The
 * leader keeps that connection out of its pool for as long as it leads.
 */
public final class PgLeaderLock implements LeaderLock {
  private static final String KEY = "hashtextextended($1, 7031)";
  private final Pool pool;
  private final String name;
  private SqlConnection held;
  private Future<Boolean> acquiring;

  /** {@code name} identifies the singleton across the federation, e.g. {@code broker.reconciler}. */
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
        c.close();
        return Future.succeededFuture(false);
      });
    }
    if (acquiring != null) {
      // one attempt at a time: a second connection would be another session, refused by our own lock
      return acquiring;
    }
    Future<Boolean> attempt = pool.getConnection().compose(c -> c
        .preparedQuery("SELECT pg_try_advisory_lock(" + KEY + ")").execute(Tuple.of(name))
        .map(rows -> rows.iterator().next().getBoolean(0)).compose(got -> {
          if (got) {
            synchronized (this) {
              held = c;
            }
            c.closeHandler(v -> forget(c));
            return Future.succeededFuture(true);
          }
          return c.close().map(false);
        }, e -> c.close().transform(x -> Future.failedFuture(e))));
    acquiring = attempt;
    attempt.onComplete(x -> {
      synchronized (this) {
        if (acquiring == attempt) {
          acquiring = null;
        }
      }
    });
    return attempt;
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
    return c.preparedQuery("SELECT pg_advisory_unlock(" + KEY + ")").execute(Tuple.of(name))
        .transform(x -> c.close());
  }
}
