package eu.panosc.platform.auth;

/**
 * The token could not be checked because the issuer's signing keys could not be had (its JWKS did not answer, or not
 * recently enough): a bearer endpoint still answers 401 {@code invalid_token} (RFC 6750), while a caller that can tell
 * "bad token" from "cannot check now" (e.g. a forward-auth that denies and lets the client retry) catches this type.
 */
public final class SigningKeysUnavailableException extends InvalidTokenException {
  /** The reason every such rejection gives the client. */
  public static final String REASON = "signing keys unavailable";

  public SigningKeysUnavailableException() {
    super(REASON);
  }
}
