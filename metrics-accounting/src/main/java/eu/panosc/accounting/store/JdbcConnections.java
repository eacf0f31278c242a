package eu.panosc.accounting.store;

import eu.panosc.platform.db.DatabaseTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Properties;

/**
 * A small pool of pgjdbc connections on one schema, for the work the Vert.x client cannot do (PostgreSQL
 * {@code COPY}). Blocking work runs on Vert.x worker threads ({@link #inTransaction}); at most {@code size}
 * connections are open, further callers wait for one. A connection whose work failed with a connection-level error
 * (SQL state class 08, or closed) is dropped, not reused. The password never appears in a message.
 */
final class JdbcConnections implements AutoCloseable {
  /** Blocking work on a connection in a transaction (auto-commit off); committed when it returns. */
  interface Work<T> {
    T run(Connection conn) throws SQLException;
  }

  private final Vertx vertx;
  private final String url;
  private final Properties properties = new Properties();
  private final int size;
  private final String setup;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private int open;
  private boolean closed;

  /** {@code setup}: a statement every new connection runs (and commits) once, e.g. creating a temporary table. */
  JdbcConnections(Vertx vertx, DatabaseTarget target, String schema, int size, String setup) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.setup = Objects.requireNonNull(setup, "setup");
    this.url = target.jdbcUrl();
    this.size = size;
    properties.setProperty("user", target.user());
    if (target.password() != null) {
      properties.setProperty("password", target.password().value());
    }
    properties.setProperty("currentSchema", schema);
    properties.setProperty("ApplicationName", "panosc-" + schema + "-copy");
    properties.setProperty("connectTimeout", "10");
  }

  /** Runs {@code work} in one transaction on a worker thread: committed when it returns, rolled back when it throws. */
  <T> Future<T> inTransaction(Work<T> work) {
    return vertx.executeBlocking(() -> {
      Connection conn = take();
      boolean healthy = true;
      try {
        T result = work.run(conn);
        conn.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        healthy = rollback(conn) && !(e instanceof SQLException sql && isConnectionLevel(sql));
        throw e;
      } finally {
        give(conn, healthy);
      }
    }, false);
  }

  private static boolean isConnectionLevel(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  private static boolean rollback(Connection conn) {
    try {
      conn.rollback();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private Connection take() throws SQLException, InterruptedException {
    synchronized (this) {
      while (true) {
        if (closed) {
          throw new SQLException("the connection pool is closed", "08003");
        }
        Connection c = idle.pollFirst();
        if (c != null) {
          return c;
        }
        if (open < size) {
          open++;
          break;
        }
        wait();
      }
    }
    try {
      Connection c = DriverManager.getConnection(url, properties);
      try {
        c.setAutoCommit(false);
        try (var st = c.createStatement()) {
          st.execute(setup);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        quietClose(c);
        throw e;
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      synchronized (this) {
        open--;
        notifyAll();
      }
      throw e;
    }
  }

  private void give(Connection conn, boolean healthy) {
    boolean keep;
    synchronized (this) {
      keep = healthy && !closed;
      if (keep) {
        idle.addFirst(conn);
      } else {
        open--;
      }
      notifyAll();
    }
    if (!keep) {
      quietClose(conn);
    }
  }

  private static void quietClose(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // already broken: nothing to release
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      idle.forEach(JdbcConnections::quietClose);
      open -= idle.size();
      idle.clear();
      notifyAll();
    }
  }
}
