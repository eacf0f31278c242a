package eu.panosc.aai.logout;

import eu.panosc.aai.store.PgTransactions;
import eu.panosc.aai.store.Transaction;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@link LogoutOutbox} in PostgreSQL ({@code aai.logout_outbox}), claimed with {@code FOR UPDATE SKIP LOCKED}. */
public final class PgLogoutOutbox implements LogoutOutbox {
  private final Pool pool;

  public PgLogoutOutbox(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Future<Integer> enqueue(Transaction tx, String sid, String userId) {
    // the clients of the session: those with a token family of it that was issued an access token
    return PgTransactions.client(tx).preparedQuery("INSERT INTO logout_delivery (client_id, user_id, sid)"
            + " SELECT DISTINCT f.client_id, $2, $1 FROM token_family f WHERE f.session_sid = $1"
            + " AND EXISTS (SELECT 1 FROM family_access_token a WHERE a.family_id = f.id)")
        .execute(Tuple.of(sid, userId)).map(r -> r.rowCount());
  }

  @Override
  public Future<List<Delivery>> claim(int limit, Duration lease) {
    return pool.preparedQuery("UPDATE logout_delivery SET attempts = attempts + 1,"
            + " next_attempt_at = clock_timestamp() + make_interval(secs => $2)"
            + " WHERE id IN (SELECT id FROM logout_delivery WHERE next_attempt_at <= clock_timestamp()"
            + " ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, client_id, user_id, sid, attempts")
        .execute(Tuple.of(limit, lease.toMillis() / 1000.0))
        .map(rows -> {
          List<Delivery> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Delivery(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getInteger(4)));
          }
          return out;
        });
  }

  @Override
  public Future<Void> done(long id) {
    return pool.preparedQuery("DELETE FROM logout_delivery WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  @Override
  public Future<Void> retryLater(long id, Duration delay, String error) {
    return pool.preparedQuery("UPDATE logout_delivery SET next_attempt_at = clock_timestamp()"
            + " + make_interval(secs => $2), last_error = $3 WHERE id = $1")
        .execute(Tuple.of(id, delay.toMillis() / 1000.0, error)).mapEmpty();
  }

  @Override
  public Future<Long> pending() {
    return pool.query("SELECT count(*) FROM logout_delivery").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
