package eu.panosc.aai.logout;

import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.GrantStore;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Optional;

/**
 * Ending a browser session. At logout: the session row is deleted (its cookie means nothing any more), every grant
 * given in it is revoked (refresh tokens stop working, its access tokens are listed as revoked), and the clients
 * that got tokens in it are told over the back channel. When a session expires, its clients are told as well, but
 * its grants live until their own expiry ({@code refreshTokenLifetime}), as an expiry is not a sign-out.
 */
public final class SessionLogout {
  private final Sessions sessions;
  private final GrantStore grants;
  private final BackChannelLogout backChannel;

  public SessionLogout(Sessions sessions, GrantStore grants, BackChannelLogout backChannel) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.backChannel = Objects.requireNonNull(backChannel, "backChannel");
  }

  /** Ends the session of this cookie value; empty when there was none (already ended, expired, or no cookie). */
  public Future<Optional<Sessions.Ended>> end(String cookie) {
    return sessions.end(cookie).compose(ended -> {
      if (ended.isEmpty()) {
        return Future.succeededFuture(ended);
      }
      String sid = ended.get().sid();
      return grants.clientsOfSession(sid).compose(clients -> grants.revokeSession(sid).map(v -> {
        backChannel.notify(sid, ended.get().userId(), clients);
        return ended;
      }));
    });
  }

  /** Drops expired sessions and tells their clients. */
  public Future<Void> purgeExpired() {
    return sessions.purgeExpired().compose(ended -> {
      Future<Void> all = Future.succeededFuture();
      for (Sessions.Ended e : ended) {
        all = all.compose(v -> grants.clientsOfSession(e.sid())
            .map(clients -> {
              backChannel.notify(e.sid(), e.userId(), clients);
              return null;
            }));
      }
      return all;
    });
  }
}
