package eu.panosc.aai.token;

import eu.panosc.aai.store.Transaction;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Authorization codes, refresh tokens and the token family they belong to, in schema {@code aai}.
 * Codes and refresh tokens are stored as SHA-256 hashes; redeeming a code and rotating a refresh token are
 * single atomic updates, so a value works once. Revoking a family revokes its refresh tokens and, through
 * {@link RevokedTokens}, every access token issued in it.
 */
public interface GrantStore {
  /**
   * An authorization grant: who authorized which client for what; {@code sessionSid} is the browser session it was
   * given in (null for the device flow).
   */
  record Family(String id, String clientId, String userId, Set<String> scopes, List<String> audiences,
      Instant authTime, String acr, List<String> amr, Instant expiresAt, boolean revoked, String sessionSid) {}

  /** A redeemed code with what it was bound to. */
  record Code(Family family, String clientId, String redirectUri, String codeChallenge, String nonce,
      Instant expiresAt) {}

  /** The outcome of redeeming a code or rotating a refresh token. */
  sealed interface Outcome<T> {}

  record Valid<T>(T value) implements Outcome<T> {}

  /** The value was used before: its family must be revoked. */
  record Reused<T>(String familyId) implements Outcome<T> {}

  record Unknown<T>() implements Outcome<T> {}

  /**
   * Starts a family in the browser session {@code sessionSid} and issues its code; returns the code (only its hash
   * is stored).
   */
  Future<String> issueCode(String clientId, String userId, Set<String> scopes, List<String> audiences,
      Instant authTime, String acr, List<String> amr, String redirectUri, String codeChallenge, String nonce,
      String sessionSid);

  /**
   * Starts a family without a code (the device flow, RFC 8628: the person approves in a browser, the device
   * redeems its device code); returns the family's id.
   */
  Future<String> createFamily(String clientId, String userId, Set<String> scopes, List<String> audiences,
      Instant authTime, String acr, List<String> amr);

  /** Marks the code used and returns what it is bound to; a used code answers {@link Reused}. */
  Future<Outcome<Code>> redeemCode(String code);

  Future<Optional<Family>> family(String id);

  /**
   * Remembers an access token issued in the family, so that revoking the family revokes it; when the family was
   * revoked meanwhile (a concurrent reuse), the token is revoked at once.
   */
  Future<Void> recordAccessToken(String familyId, AccessTokens.Issued token);

  /** A new refresh token of the family, valid until the family expires; returns the token. */
  Future<String> issueRefreshToken(Family family);

  /**
   * Looks a refresh token up without using it: its family when it is current, {@link Reused} when it was
   * already rotated, else {@link Unknown}.
   */
  Future<Outcome<Family>> findRefreshToken(String token);

  /** Rotates (uses up) a current refresh token; false when another request used it first. */
  Future<Boolean> rotateRefreshToken(String token);

  /**
   * Revokes the family: its refresh tokens stop working and its unexpired access tokens become inactive; all of it
   * or, on failure, nothing; again without harm.
   */
  Future<Void> revokeFamily(String familyId);

  /**
   * The clients that got tokens in the browser session {@code sid} (a code redeemed, or tokens refreshed), in
   * client id order: the ones a back-channel logout goes to.
   */
  Future<List<String>> clientsOfSession(String sid);

  /**
   * Revokes every grant given in the browser session {@code sid} (its refresh and access tokens, unused codes): all
   * of them or, on failure, none; again without harm.
   */
  Future<Void> revokeSession(String sid);

  /** {@link #revokeSession(String)} in {@code tx}, with the caller's other writes (e.g. ending the session). */
  Future<Void> revokeSession(Transaction tx, String sid);

  /**
   * Revokes every grant of the user for the client (the person revoked their consent on the account page), as
   * {@link #revokeFamily} revokes one: refresh tokens stop working, access tokens are listed as revoked.
   */
  Future<Void> revokeClientGrants(String userId, String clientId);

  /** The grant an access token was issued in: its family, user, and whether the grant was revoked. */
  record AccessTokenGrant(String familyId, String userId, boolean revoked) {}

  /** The grant an access token was issued in (codes, refresh, device flow, or an exchange of such a token), if any. */
  Future<Optional<AccessTokenGrant>> grantOfAccessToken(String jti);

  /** A refresh token as introspection describes it (RFC 7662 §2.2). */
  record RefreshTokenState(Family family, Set<String> scopes, Instant issuedAt, Instant expiresAt) {}

  /** A current (not rotated, not expired) refresh token of a family that is not revoked, or empty. */
  Future<Optional<RefreshTokenState>> describeRefreshToken(String token);

  /**
   * The family of a refresh token, current or already rotated (RFC 7009 §2.1: revoking a refresh token revokes its
   * grant), or empty when the token is unknown.
   */
  Future<Optional<Family>> familyOfRefreshToken(String token);

  /** Drops expired codes and families (and with them their tokens). */
  Future<Void> purgeExpired();
}
