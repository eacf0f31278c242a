package eu.panosc.registry.federation;

/**
 * An upstream IdP's metadata feed could not be obtained (unreachable, a non-200 answer, too large): not the
 * caller's fault and nothing was changed; the admin endpoint answers 503 so the import can be retried.
 */
public final class FeedUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FeedUnavailableException(String message) {
    super(message, null, false, false);
  }
}
