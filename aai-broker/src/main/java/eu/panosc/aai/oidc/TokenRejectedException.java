package eu.panosc.aai.oidc;

import java.util.Objects;

/** A token from an upstream OP that does not pass a check; {@link #reason()} says which (never the token). */
public final class TokenRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which check refused the token. */
  public enum Reason {
    MALFORMED, ALGORITHM, UNKNOWN_KEY, SIGNATURE, ISSUER, AUDIENCE, AUTHORIZED_PARTY, NONCE, EXPIRED, NOT_YET_VALID,
    TOO_OLD, SUBJECT, EVENTS, NONCE_PRESENT, SESSION, TOKEN_TYPE, INACTIVE
  }

  private final Reason reason;

  public TokenRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
