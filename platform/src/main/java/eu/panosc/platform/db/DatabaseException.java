package eu.panosc.platform.db;

/** The database could not be started, reached or migrated; the message is safe to print. */
public final class DatabaseException extends RuntimeException {
  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
