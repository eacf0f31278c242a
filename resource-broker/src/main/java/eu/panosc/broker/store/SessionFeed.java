package eu.panosc.broker.store;

import eu.panosc.broker.model.SessionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session changes made by other replicas, as PostgreSQL announces them on {@link PgBrokerStore#CHANNEL}
 * ({@code LISTEN}/{@code NOTIFY}). One connection of the pool is held for listening; when it is lost (a database
 * restart, {@code pg_terminate_backend}) the feed connects again after a backoff doubling from {@code minBackoff} to
 * {@code maxBackoff}, and once listening again reads every session changed since shortly before the connection was
 * lost ({@code session.updated}, {@code session_staging.updated}, {@code session_notice.issued}), so a change
 * announced while nobody listened is not lost. Every notice reaches the listener, this replica's own included, in the
 * order of the commits that sent them (PostgreSQL delivers notifications so), which is the same on every replica;
 * whoever publishes the events reads the sessions and drops what it already told (a catch-up may repeat a change).
 */
public final class SessionFeed {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFeed.class);
  /** How far before the lost connection a catch-up reads: replicas' clocks differ and commits take time. */
  static final Duration CATCH_UP_SLACK = Duration.ofSeconds(30);

  /**
   * One announcement: replica {@code origin}'s {@code seq}-th notice, that session {@code session} was created or
   * changed ({@code change}: its new state's name, {@code staging} for its staging progress, {@code warning} for a new
   * notice before its end). Payload {@code <origin> <seq> <session> <change>}: no secret.
   */
  public record Notice(String origin, long seq, String session, String change) {
    /** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
    static final int MAX_PAYLOAD_BYTES = 7999;
    public static final String STAGING = "staging";
    public static final String WARNING = "warning";

    public Notice {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(change, "change");
      if (seq < 1 || !validChange(change)) {
        throw new IllegalArgumentException("a notice has a positive number and a state, staging or warning");
      }
    }

    /** The id every replica gives the event of this notice. */
    public String id() {
      return origin + ":" + seq;
    }

    public String payload() {
      String p = origin + " " + seq + " " + session + " " + change;
      if (p.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("a session notice must stay under 8000 bytes");
      }
      return p;
    }

    private static boolean validChange(String change) {
      if (change.equals(STAGING) || change.equals(WARNING)) {
        return true;
      }
      try {
        SessionState.valueOf(change);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    /** The notice in {@code payload}, or empty when it is not one (another writer on the channel). */
    public static Optional<Notice> parse(String payload) {
      String[] parts = payload == null ? new String[0] : payload.split(" ", -1);
      if (parts.length != 4 || parts[0].isEmpty() || parts[2].isEmpty() || !parts[1].matches("[1-9][0-9]{0,18}")) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Notice(parts[0], Long.parseLong(parts[1]), parts[2], parts[3]));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Consumer<Notice> notices;
  private final java.util.function.Supplier<Future<SqlConnection>> listenOn;
  private final Consumer<String> changed;
  private final Clock clock;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private SqlConnection connection;
  private Instant lostAt;
  private Duration backoff;
  private long timer = -1;
  private boolean closed;
  private long connects;

  /**
   * @param notices called on the event loop with every notice, this replica's own included, in commit order
   * @param changed called on the event loop with the id of a session that may have changed while nobody listened
   */
  public SessionFeed(Vertx vertx, Pool pool, Consumer<Notice> notices, Consumer<String> changed, Clock clock,
      Duration minBackoff, Duration maxBackoff) {
    this(vertx, pool, pool::getConnection, notices, changed, clock, minBackoff, maxBackoff);
  }

  /**
   * Listening on a connection of its own from {@code listenOn} (e.g. {@code PgConnection.connect}), so the pool's few
   * connections all serve requests; {@code pool} serves the catch-up reads.
   */
  public SessionFeed(Vertx vertx, Pool pool, java.util.function.Supplier<Future<SqlConnection>> listenOn,
      Consumer<Notice> notices, Consumer<String> changed, Clock clock, Duration minBackoff, Duration maxBackoff) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.notices = Objects.requireNonNull(notices, "notices");
    this.listenOn = Objects.requireNonNull(listenOn, "listenOn");
    this.changed = Objects.requireNonNull(changed, "changed");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("backoff must be positive and minBackoff <= maxBackoff");
    }
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.backoff = minBackoff;
  }

  /** Starts listening; completes once the first LISTEN succeeded (later losses reconnect on their own). */
  public synchronized Future<Void> start() {
    return listen();
  }

  /** How many times the feed has been listening (1 after start, +1 per reconnect); for tests and metrics. */
  public synchronized long connects() {
    return connects;
  }

  private synchronized Future<Void> listen() {
    if (closed) {
      return Future.succeededFuture();
    }
    return listenOn.get().compose(conn -> {
      PgConnection pg = PgConnection.cast(conn);
      pg.notificationHandler(n -> {
        if (PgBrokerStore.CHANNEL.equals(n.getChannel())) {
          Notice.parse(n.getPayload()).ifPresent(notices);
        }
      });
      return conn.query("LISTEN " + PgBrokerStore.CHANNEL).execute().compose(x -> {
        Instant since;
        synchronized (this) {
          if (closed) {
            conn.close();
            return Future.succeededFuture();
          }
          connection = conn;
          connects++;
          backoff = minBackoff;
          since = lostAt;
          lostAt = null;
          conn.closeHandler(v -> lost());
        }
        return since == null ? Future.<Void>succeededFuture() : catchUp(since).<Void>recover(e -> {
          // not caught up: listen again from scratch (the close reconnects) and catch up from the same instant
          LOG.warn("session feed: catch-up read failed ({}); reconnecting", e.getMessage());
          synchronized (this) {
            lostAt = since;
          }
          conn.close();
          return Future.<Void>succeededFuture();
        });
      }, e -> {
        conn.close();
        return Future.failedFuture(e);
      });
    }).onFailure(e -> {
      LOG.warn("session feed: cannot listen for other replicas' session changes ({}); retrying", e.getMessage());
      synchronized (this) {
        if (lostAt == null) {
          lostAt = clock.instant();
        }
      }
      retryLater();
    });
  }

  private void lost() {
    synchronized (this) {
      connection = null;
      if (closed) {
        return;
      }
      if (lostAt == null) { // else an earlier loss not yet caught up
        lostAt = clock.instant();
      }
    }
    LOG.warn("session feed: listening connection lost; reconnecting");
    retryLater();
  }

  private synchronized void retryLater() {
    if (closed || timer >= 0) {
      return;
    }
    long delay = backoff.toMillis();
    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
    timer = vertx.setTimer(delay, t -> {
      synchronized (this) {
        timer = -1;
      }
      listen();
    });
  }

  /**
   * Every session changed since shortly before {@code since} (its state, its staging progress or a new notice): what
   * was announced while nobody listened.
   */
  private Future<Void> catchUp(Instant since) {
    return pool.preparedQuery("SELECT id FROM (SELECT id, updated FROM session WHERE updated >= $1 UNION ALL "
        + "SELECT session_id, updated FROM session_staging WHERE updated >= $1 UNION ALL "
        + "SELECT session_id, issued FROM session_notice WHERE issued >= $1) c GROUP BY id ORDER BY max(updated), id")
        .execute(Tuple.of(since.minus(CATCH_UP_SLACK).atOffset(ZoneOffset.UTC))).map(rows -> {
          for (Row r : rows) {
            changed.accept(r.getString(0));
          }
          LOG.info("session feed: listening again; {} session(s) changed since {} re-read", rows.size(), since);
          return (Void) null;
        });
  }

  /** Stops listening and gives the connection back. */
  public Future<Void> close() {
    SqlConnection c;
    synchronized (this) {
      closed = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      c = connection;
      connection = null;
    }
    return c == null ? Future.succeededFuture() : c.close();
  }
}
