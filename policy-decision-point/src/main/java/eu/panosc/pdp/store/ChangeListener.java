package eu.panosc.pdp.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LISTEN pdp_changes} on a connection of its own (taken from the service's pool and kept), handing
 * each announced sequence number to {@code onSeq}. A lost connection is opened again after
 * {@code retry}; every (re)connect calls {@code onConnected}, so the follower catches up with whatever
 * was announced while nobody listened. Notifications are a shortcut, not the guarantee: the follower also
 * polls.
 *
 * @see <a href="https://www.postgresql.org/docs/17/sql-listen.html">PostgreSQL LISTEN</a>
 */
public final class ChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  private final Vertx vertx;
  private final Pool pool;
  private final LongConsumer onSeq;
  private final Runnable onConnected;
  private final Duration retry;
  private SqlConnection conn;
  private boolean stopped;
  private long retryTimer = -1;

  public ChangeListener(Vertx vertx, Pool pool, LongConsumer onSeq, Runnable onConnected, Duration retry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.onSeq = Objects.requireNonNull(onSeq, "onSeq");
    this.onConnected = Objects.requireNonNull(onConnected, "onConnected");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  public void start() {
    connect();
  }

  /** True while a connection listens. */
  public synchronized boolean listening() {
    return conn != null;
  }

  private void connect() {
    synchronized (this) {
      retryTimer = -1;
      if (stopped) {
        return;
      }
    }
    pool.getConnection().onComplete(ar -> {
      if (ar.failed()) {
        retryLater("could not open the listening connection: " + ar.cause().getMessage());
        return;
      }
      SqlConnection c = ar.result();
      PgConnection pg = PgConnection.cast(c);
      pg.notificationHandler(n -> {
        if (ChangeLog.CHANNEL.equals(n.getChannel())) {
          try {
            onSeq.accept(Long.parseLong(n.getPayload()));
          } catch (NumberFormatException e) {
            LOG.warn("ignored a {} notification that is not a sequence number", ChangeLog.CHANNEL);
          }
        }
      });
      // a server-side end (restart, shutdown, terminated backend) also closes it: closeHandler recovers
      pg.exceptionHandler(e -> LOG.debug("listening connection failed: {}", e.getMessage()));
      pg.closeHandler(v -> lost(c));
      pg.query("LISTEN " + ChangeLog.CHANNEL).execute().onComplete(l -> {
        if (l.failed()) {
          c.close();
          retryLater("LISTEN failed: " + l.cause().getMessage());
          return;
        }
        synchronized (this) {
          if (stopped) {
            c.close();
            return;
          }
          conn = c;
        }
        LOG.debug("listening on {}", ChangeLog.CHANNEL);
        onConnected.run();
      });
    });
  }

  private void lost(SqlConnection c) {
    synchronized (this) {
      if (conn != c) {
        return;
      }
      conn = null;
      if (stopped) {
        return;
      }
    }
    retryLater("the listening connection was lost");
  }

  private void retryLater(String why) {
    synchronized (this) {
      if (stopped || retryTimer >= 0) {
        return;
      }
      LOG.warn("change notifications: {}; trying again in {} ms (the poll keeps the cache current meanwhile)",
          why, retry.toMillis());
      retryTimer = vertx.setTimer(retry.toMillis(), t -> connect());
    }
  }

  /** Stops listening and gives the connection back (without the LISTEN). */
  public Future<Void> stop() {
    SqlConnection c;
    synchronized (this) {
      stopped = true;
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
      }
      c = conn;
      conn = null;
    }
    if (c == null) {
      return Future.succeededFuture();
    }
    return c.query("UNLISTEN *").execute().<Void>mapEmpty().eventually(c::close);
  }
}
