package eu.panosc.aai.logout;

import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.GrantStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ending a browser session. At logout: the session row is deleted (its cookie means nothing any more) and, in the
 * same transaction, one back-channel delivery per client that got tokens in it is written to the
 * {@link LogoutOutbox}; then every grant given in it is revoked (refresh tokens stop working, its access tokens are
 * listed as revoked) and the outbox is polled at once. When a session expires, its clients are told as well, but
 * its grants live until their own expiry ({@code refreshTokenLifetime}), as an expiry is not a sign-out.
 */
public final class SessionLogout {
  private final Pool pool;
  private final Sessions sessions;
  private final GrantStore grants;
  private final LogoutOutbox outbox;
  private final BackChannelLogout backChannel;

  public SessionLogout(Pool pool, Sessions sessions, GrantStore grants, LogoutOutbox outbox,
      BackChannelLogout backChannel) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.backChannel = Objects.requireNonNull(backChannel, "backChannel");
  }

  /** Ends the session of this cookie value; empty when there was none (already ended, expired, or no cookie). */
  public Future<Optional<Sessions.Ended>> end(String cookie) {
    return pool.withTransaction(conn -> sessions.end(conn, cookie).compose(ended -> ended.isEmpty()
            ? Future.succeededFuture(ended)
            : outbox.enqueue(conn, ended.get().sid(), ended.get().userId()).map(ended)))
        .compose(ended -> {
          if (ended.isEmpty()) {
            return Future.succeededFuture(ended);
          }
          return grants.revokeSession(ended.get().sid()).map(v -> {
            backChannel.poll();
            return ended;
          });
        });
  }

  /** Drops expired sessions and enqueues the deliveries to their clients, in one transaction. */
  public Future<Void> purgeExpired() {
    return pool.withTransaction(conn -> sessions.purgeExpired(conn).compose(ended -> {
      Future<Void> all = Future.succeededFuture();
      for (Sessions.Ended e : ended) {
        all = all.compose(v -> outbox.enqueue(conn, e.sid(), e.userId()).mapEmpty());
      }
      return all.map(ended);
    })).map(ended -> {
      if (!ended.isEmpty()) {
        backChannel.poll();
      }
      return null;
    });
  }
}
