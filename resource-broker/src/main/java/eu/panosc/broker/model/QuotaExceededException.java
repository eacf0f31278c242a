package eu.panosc.broker.model;

/** A new session would exceed a limit; {@code limit} names it (e.g. {@code user.maxActive}). */
public final class QuotaExceededException extends RuntimeException {
  private final String limit;

  public QuotaExceededException(String limit, String message) {
    super(message, null, false, false);
    this.limit = limit;
  }

  public String limit() {
    return limit;
  }
}
