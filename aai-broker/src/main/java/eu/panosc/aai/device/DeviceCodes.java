package eu.panosc.aai.device;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Device authorization requests (RFC 8628) in {@code aai.device_authorization}. The device code is 256 random
 * bits, the user code 8 consonants ({@link UserCodes}); both are stored as SHA-256 hashes only. A request is
 * {@code pending} until the person approves (its token family is then created) or denies it; the device's
 * successful poll turns {@code approved} into {@code redeemed}, so tokens are issued once. Polling is
 * serialized per device code (row lock), which makes the {@code slow_down} check and redemption atomic.
 */
public interface DeviceCodes {
  /** Seconds added to the interval on every {@code slow_down} (RFC 8628 §3.5). */
  int SLOW_DOWN_STEP = 5;

  /** A new request: the values to hand to the device (only their hashes are stored). */
  record Started(String deviceCode, String userCode, Instant expiresAt, int interval) {}

  /** A pending request as the verification page sees it. */
  record Request(String id, String clientId, List<String> scopes, List<String> audiences, Instant expiresAt) {}

  /** What a user code the person typed refers to. */
  sealed interface Lookup {}

  record NotFound() implements Lookup {}

  record Expired() implements Lookup {}

  /** Already approved, denied or redeemed. */
  record Used() implements Lookup {}

  record Pending(Request request) implements Lookup {}

  /** The outcome of one poll of the token endpoint. */
  sealed interface Poll {}

  record UnknownCode() implements Poll {}

  record OtherClient() implements Poll {}

  record AlreadyRedeemed() implements Poll {}

  record ExpiredCode() implements Poll {}

  record Denied() implements Poll {}

  /** Polled faster than the interval; the interval is now {@code interval} seconds. */
  record SlowDown(int interval) implements Poll {}

  record StillPending(int interval) implements Poll {}

  /** Approved and now redeemed: issue the tokens of this family. */
  record Approved(String familyId) implements Poll {}

  Duration lifetime();

  /** Stores a new request; a user code that collides with a pending one is drawn again. */
  Future<Started> start(String clientId, List<String> scopes, List<String> audiences);

  /** The request a (canonical) user code refers to: the newest one with that code. */
  Future<Lookup> findByUserCode(String canonicalUserCode);

  /** The person approved: binds the family; false when the request is no longer pending (or expired). */
  Future<Boolean> approve(String id, String familyId);

  /** The person denied; false when the request is no longer pending (or expired). */
  Future<Boolean> deny(String id);

  /**
   * One poll by {@code clientId} (RFC 8628 §3.4–3.5): records the poll time, raises the interval when polled
   * too fast, and redeems an approved request.
   */
  Future<Poll> poll(String deviceCode, String clientId);

  /** Drops requests a day after they expired. */
  Future<Void> purgeExpired();
}
