package eu.panosc.pdp.subject;

/** The aai-broker could not answer a resolution (unreachable, timeout, refused credentials, bad answer). */
public final class AaiUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AaiUnavailableException(String message) {
    super(message, null, false, false);
  }

  public AaiUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
