package eu.panosc.registry.store;

import java.util.Objects;

/**
 * A write the {@link RegistryStore} refuses, for a reason that is the caller's fault; the endpoints map each
 * {@link Reason} to its HTTP status (problem+json). Nothing was written.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a write was refused. */
  public enum Reason {
    /** The member does not exist. */
    NOT_FOUND,
    /** The write contradicts stored state (id or entity id taken, transition not allowed, still referenced). */
    CONFLICT,
    /** The caller's expected version is not the stored one ({@link #currentVersion}). */
    STALE_VERSION,
    /** A field of the draft is not acceptable given stored state ({@link #field}). */
    INVALID_FIELD
  }

  private final Reason reason;
  private final String field;
  private final long currentVersion;

  private StoreException(Reason reason, String field, long currentVersion, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.field = field;
    this.currentVersion = currentVersion;
  }

  public static StoreException notFound(String message) {
    return new StoreException(Reason.NOT_FOUND, null, 0, message);
  }

  public static StoreException conflict(String message) {
    return new StoreException(Reason.CONFLICT, null, 0, message);
  }

  public static StoreException staleVersion(long currentVersion, String message) {
    return new StoreException(Reason.STALE_VERSION, null, currentVersion, message);
  }

  /** {@code field} as a JSON pointer into the member document (e.g. {@code /facility}). */
  public static StoreException invalidField(String field, String message) {
    return new StoreException(Reason.INVALID_FIELD, Objects.requireNonNull(field, "field"), 0, message);
  }

  public Reason reason() {
    return reason;
  }

  /** The refused field for {@link Reason#INVALID_FIELD}, else null. */
  public String field() {
    return field;
  }

  /** The stored version for {@link Reason#STALE_VERSION}, else 0. */
  public long currentVersion() {
    return currentVersion;
  }
}
