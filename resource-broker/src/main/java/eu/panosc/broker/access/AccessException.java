package eu.panosc.broker.access;

import java.util.Objects;

/**
 * A refusal to let someone reach, share or extend a session, with what an endpoint needs to answer it: the kind
 * (which maps to one HTTP status), a short machine-readable reason and the human detail.
 */
public final class AccessException extends RuntimeException {
  /** The kinds of refusal; each maps to one HTTP status. */
  public enum Kind {
    /** No usable credentials (401). */
    UNAUTHENTICATED(401),
    /** Known caller, not allowed (403). */
    FORBIDDEN(403),
    /** No such session, or one that can no longer be reached (404). */
    NOT_FOUND(404),
    /** The session's state or a limit does not allow it now (409). */
    CONFLICT(409),
    /** A bad value in the request (400). */
    INVALID(400),
    /** A service the decision needs (the PDP) cannot be asked (503). */
    UNAVAILABLE(503);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String reason;

  /** {@code reason}: a short kebab-case name of the refusal (e.g. {@code not-running}, {@code read-only-share}). */
  public AccessException(Kind kind, String reason, String detail) {
    super(detail, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Kind kind() {
    return kind;
  }

  public String reason() {
    return reason;
  }
}
