package eu.panosc.platform.auth;

import java.util.Objects;

/**
 * A bearer token was rejected; {@link #reason()} is a short description that is safe to return to the
 * client and never contains the token itself. A {@link SigningKeysUnavailableException} says the token could not be
 * checked at all (the issuer's keys could not be had), not that it is bad.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1: invalid_token</a>
 */
public sealed class InvalidTokenException extends RuntimeException permits SigningKeysUnavailableException {

  private final String reason;

  public InvalidTokenException(String reason) {
    this(reason, null);
  }

  /** The cause is kept for logging only; it is never shown to the client. */
  public InvalidTokenException(String reason, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason"), cause, false, false);
    this.reason = reason;
  }

  /** Short, client-safe reason, used as the RFC 6750 {@code error_description}. */
  public String reason() {
    return reason;
  }
}
