package eu.panosc.broker.session;

import java.util.Objects;

/**
 * A refusal of the session service, with what the endpoint needs to answer it (as problem+json): its kind and, for
 * a bad field, the field; for a forbidden dataset, the dataset; for a quota, the limit.
 */
public final class BrokerException extends RuntimeException {
  /** What kind of refusal. */
  public enum Kind { INVALID, NOT_FOUND, FORBIDDEN, QUOTA, UNAVAILABLE }

  private final Kind kind;
  private final String subject;

  public BrokerException(Kind kind, String subject, String message) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.subject = subject;
  }

  public Kind kind() {
    return kind;
  }

  /** The field (INVALID), dataset (FORBIDDEN) or limit (QUOTA) concerned; null otherwise. */
  public String subject() {
    return subject;
  }

  public static BrokerException invalid(String field, String message) {
    return new BrokerException(Kind.INVALID, field, message);
  }

  public static BrokerException notFound(String message) {
    return new BrokerException(Kind.NOT_FOUND, null, message);
  }
}
