package eu.panosc.accounting.web;

/**
 * A sign-in that cannot complete, with the HTTP status and the sentence the person reads on the error page
 * (never a token or secret): 400 for a bad or replayed callback, 503 when the aai-broker cannot be reached.
 */
public final class LoginException extends RuntimeException {
  private final int status;

  public LoginException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
