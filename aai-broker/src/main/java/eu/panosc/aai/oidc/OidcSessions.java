package eu.panosc.aai.oidc;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Broker sessions started through upstream OPs, so that a sign-out at the broker can end the OP's session
 * (RP-initiated logout with {@code id_token_hint}) and the OP's back-channel logout tokens find the broker sessions
 * they end. Entries live as long as the broker session may.
 */
public interface OidcSessions {
  /** Remembers {@code session} (its {@code sid} is the broker session's). */
  Future<Void> remember(OidcSession session);

  /** The upstream session of broker session {@code sid}. */
  Future<Optional<OidcSession>> find(String sid);

  /**
   * The broker sessions a logout token of {@code issuer} names: with {@code upstreamSid}, those of that OP session (and
   * of {@code subject} when given too); without, every session of {@code subject}.
   */
  Future<List<String>> sessionsOf(String issuer, String subject, String upstreamSid);

  /** Forgets broker session {@code sid}. */
  Future<Void> forget(String sid);

  /** Drops entries whose broker session's lifetime has ended. */
  Future<Void> purgeExpired();
}
