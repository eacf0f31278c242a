package eu.panosc.broker.store;

import eu.panosc.broker.model.AccessRecord;
import eu.panosc.broker.model.Share;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the broker keeps who else may reach a session (shares and invitation links), the log of shared accesses, and
 * the key that signs the proxy's browser cookies. Every implementation passes {@code AccessStoreContract}.
 */
public interface AccessStore {
  /** Inserts a new share. */
  Future<Share> putShare(Share share);

  /** The session's shares (revoked and expired ones too), oldest first. */
  Future<List<Share>> shares(String sessionId);

  /** The invitation whose token hashes to {@code tokenHash}, in force or not. */
  Future<Optional<Share>> invitation(String tokenHash);

  /**
   * Revokes share {@code shareId} of {@code sessionId} and every share redeemed from it; answers how many were in
   * force and are revoked now (0 when there is no such share or it was already revoked).
   */
  Future<Integer> revoke(String sessionId, String shareId, Instant at);

  /** Appends one decision to the access log. */
  Future<Void> log(AccessRecord record);

  /** The access log of a session, oldest first. */
  Future<List<AccessRecord>> accessLog(String sessionId);

  /**
   * The key that signs the proxy's cookies: the stored one, or {@code candidate} stored now when there is none yet
   * (so every replica ends up with the same key).
   */
  Future<byte[]> cookieKey(byte[] candidate);
}
