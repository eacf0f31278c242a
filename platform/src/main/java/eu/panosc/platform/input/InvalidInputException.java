package eu.panosc.platform.input;

import java.util.Objects;

/**
 * A value refused by {@link Input}: names the field (a JSON pointer, parameter or path segment) and why.
 * Carries no HTTP type; our REST APIs render it as a 400 problem naming the field, protocol endpoints as
 * their own {@code invalid_request}.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private final String field;
  private final String reason;

  public InvalidInputException(String field, String reason) {
    super(field + ": " + reason);
    this.field = Objects.requireNonNull(field, "field");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The offending field, e.g. {@code releaseDate} or {@code /datasets/3/pid}. */
  public String field() {
    return field;
  }

  /** Why it was refused, e.g. {@code must be 1 to 512 characters}. */
  public String reason() {
    return reason;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // a refusal of input, not a fault: no stack trace to log
  }
}
