package eu.panosc.aai.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link Transactions} in PostgreSQL: a {@link Transaction} is a connection of the pool in a database transaction;
 * the PostgreSQL stores write on it through {@link #client(Transaction)}.
 */
public final class PgTransactions implements Transactions {
  private final Pool pool;

  public PgTransactions(Pool pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public <T> Future<T> inTransaction(Function<Transaction, Future<T>> work) {
    List<Runnable> afterCommit = new ArrayList<>();
    return pool.<T>withTransaction(client -> work.apply(new Pg(client, afterCommit)))
        .map(result -> {
          afterCommit.forEach(Runnable::run);
          return result;
        });
  }

  /**
   * The connection of a transaction this class handed out.
   *
   * @throws IllegalArgumentException when {@code tx} belongs to another backend
   */
  public static SqlClient client(Transaction tx) {
    if (tx instanceof Pg pg) {
      return pg.client();
    }
    throw new IllegalArgumentException("not a PostgreSQL transaction: " + tx);
  }

  private record Pg(SqlClient client, List<Runnable> afterCommit) implements Transaction {
    @Override
    public void afterCommit(Runnable action) {
      afterCommit.add(Objects.requireNonNull(action, "action"));
    }
  }
}
