package eu.panosc.aai.federation.trust;

import java.util.Objects;

/**
 * A trust chain that could not be built or does not hold: the upstream is not trusted. The message is for the
 * operator's log (entity identifiers and what failed, never a key).
 */
public final class TrustChainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** A statement could not be fetched (network, HTTP status, size, content type). */
    FETCH,
    /** A statement is not a well-formed entity statement. */
    MALFORMED,
    /** A signature does not verify with the keys it must verify with. */
    SIGNATURE,
    /** A statement has expired or is not yet valid. */
    EXPIRED,
    /** No path of authority hints reaches the trust anchor. */
    NO_PATH,
    /** The authority hints loop. */
    LOOP,
    /** The path is longer than allowed. */
    TOO_LONG,
    /** The metadata policies cannot be merged, or the metadata violates them. */
    POLICY
  }

  private final Reason reason;

  public TrustChainException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
