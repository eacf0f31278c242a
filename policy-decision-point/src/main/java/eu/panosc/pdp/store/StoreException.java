package eu.panosc.pdp.store;

/**
 * A write refused by the store's rules (unknown reference, entity still in use, a dataset whose facility is
 * not its proposal's); the message says which, and {@link #field} names the offending field when one does.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public StoreException(String message, Throwable cause) {
    this(null, message, cause);
  }

  public StoreException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The field the refusal is about (e.g. {@code facility}), or null. */
  public String field() {
    return field;
  }
}
