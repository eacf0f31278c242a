package eu.panosc.aai.session;

import eu.panosc.aai.store.Transaction;
import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Browser sessions (single sign-on) in {@code aai.browser_session}. The cookie carries a random 256-bit id;
 * the table holds only its SHA-256, so a database read does not yield usable session cookies. Each session also
 * has a separate random {@code sid} (OpenID Connect Back-Channel Logout 1.0 §2.1) that clients see in ID and
 * logout tokens.
 */
public interface Sessions {
  /** Cookie name of the session. */
  String COOKIE = "panosc_aai_session";

  /** A live session. */
  record Session(String sid, String userId, Instant authTime, String acr, List<String> amr) {}

  /** A session that just ended (logout or expiry): whose it was and its {@code sid}. */
  record Ended(String sid, String userId) {}

  Duration lifetime();

  /** A live session as its user sees it on the account page. */
  record Active(String sid, Instant authTime, Instant expiresAt, String acr) {}

  /** The user's live sessions, newest first. */
  Future<List<Active>> active(String userId);

  /** Starts a session for a fresh login; returns the id to put in the cookie. */
  Future<String> create(UpstreamIdentity identity);

  Future<Optional<Session>> find(String id);

  /**
   * Ends the session of this cookie value (its cookie then means nothing); empty when there was none. One
   * atomic delete, so two concurrent logouts end it once.
   */
  Future<Optional<Ended>> end(String id);

  /** {@link #end(String)} in {@code tx}, with the caller's other writes (e.g. the back-channel logout outbox). */
  Future<Optional<Ended>> end(Transaction tx, String id);

  /**
   * Ends the session whose {@code sid} this is (an IdP-initiated SAML logout names sessions, not cookies), in
   * {@code tx}; empty when there was none. One atomic delete, like {@link #end(Transaction, String)}.
   */
  Future<Optional<Ended>> endSid(Transaction tx, String sid);

  /** Drops expired sessions; returns them, so that their clients can be told (back-channel logout). */
  Future<List<Ended>> purgeExpired();

  /** {@link #purgeExpired()} in {@code tx}, with the caller's other writes. */
  Future<List<Ended>> purgeExpired(Transaction tx);
}
