package eu.panosc.aai.logout;

import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.store.Transactions;
import eu.panosc.aai.token.GrantStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ending a browser session. At logout, in one transaction: the session row is deleted (its cookie means nothing any
 * more), one back-channel delivery per client that got tokens in it is written to the {@link LogoutOutbox}, and
 * every grant given in it is revoked (refresh tokens stop working, its access tokens are listed as revoked); a
 * failure leaves all of it undone, so the logout can simply be tried again. Then the outbox is polled at once. When
 * a session expires, its clients are told as well, but its grants live until their own expiry
 * ({@code refreshTokenLifetime}), as an expiry is not a sign-out.
 */
public final class SessionLogout {
  private final Transactions transactions;
  private final Sessions sessions;
  private final GrantStore grants;
  private final LogoutOutbox outbox;
  private final BackChannelLogout backChannel;

  public SessionLogout(Transactions transactions, Sessions sessions, GrantStore grants, LogoutOutbox outbox,
      BackChannelLogout backChannel) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.backChannel = Objects.requireNonNull(backChannel, "backChannel");
  }

  /** Ends the session of this cookie value; empty when there was none (already ended, expired, or no cookie). */
  public Future<Optional<Sessions.Ended>> end(String cookie) {
    return transactions.inTransaction(tx -> sessions.end(tx, cookie).compose(ended -> {
      if (ended.isEmpty()) {
        return Future.succeededFuture(ended);
      }
      String sid = ended.get().sid();
      return outbox.enqueue(tx, sid, ended.get().userId())
          .compose(n -> grants.revokeSession(tx, sid))
          .map(ended);
    })).map(ended -> {
      if (ended.isPresent()) {
        backChannel.poll();
      }
      return ended;
    });
  }

  /** Sessions ended together, and how many back-channel deliveries were enqueued for them. */
  public record EndedSessions(List<Sessions.Ended> ended, int deliveries) {}

  /**
   * Ends the sessions {@code sids} (an IdP-initiated SAML logout names sessions, not cookies) exactly as
   * {@link #end(String)} ends one, all in one transaction; sessions already gone are skipped.
   */
  public Future<EndedSessions> endSessions(List<String> sids) {
    return transactions.inTransaction(tx -> {
      Future<EndedSessions> chain = Future.succeededFuture(new EndedSessions(List.of(), 0));
      for (String sid : sids) {
        chain = chain.compose(so -> sessions.endSid(tx, sid).compose(ended -> {
          if (ended.isEmpty()) {
            return Future.succeededFuture(so);
          }
          return outbox.enqueue(tx, sid, ended.get().userId())
              .compose(n -> grants.revokeSession(tx, sid).map(v -> {
                List<Sessions.Ended> all = new java.util.ArrayList<>(so.ended());
                all.add(ended.get());
                return new EndedSessions(List.copyOf(all), so.deliveries() + n);
              }));
        }));
      }
      return chain;
    }).map(done -> {
      if (!done.ended().isEmpty()) {
        backChannel.poll();
      }
      return done;
    });
  }

  /** Drops expired sessions and enqueues the deliveries to their clients, in one transaction. */
  public Future<Void> purgeExpired() {
    return transactions.inTransaction(tx -> sessions.purgeExpired(tx).compose(ended -> {
      Future<Void> all = Future.succeededFuture();
      for (Sessions.Ended e : ended) {
        all = all.compose(v -> outbox.enqueue(tx, e.sid(), e.userId()).mapEmpty());
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
