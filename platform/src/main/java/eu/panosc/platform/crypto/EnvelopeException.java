package eu.panosc.platform.crypto;

/** A stored envelope that cannot be opened; the message names why, never the key or the plaintext. */
public final class EnvelopeException extends RuntimeException {
  /** Why an envelope cannot be opened. */
  public enum Reason {
    /** Not an envelope of a version this code reads. */
    MALFORMED,
    /** Sealed under a KEK that is neither the current nor a previous one. */
    UNKNOWN_KEK,
    /** The authentication tag does not match: the ciphertext, its header or its row (associated data) changed. */
    TAMPERED
  }

  private final Reason reason;

  public EnvelopeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
