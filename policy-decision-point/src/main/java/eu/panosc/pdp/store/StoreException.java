package eu.panosc.pdp.store;

/** A write refused by the store's rules (unknown reference, entity still in use); the message says which. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
