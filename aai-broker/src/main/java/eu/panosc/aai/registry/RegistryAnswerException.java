package eu.panosc.aai.registry;

/**
 * The registry answered something this service cannot use: a member document without a field it needs, or with a
 * field of the wrong type or value. Callers deny (no token, no sign-in) rather than guess. The message names the
 * member and the field, never a field's value (a credentials document holds a secret hash).
 */
public final class RegistryAnswerException extends RuntimeException {
  private final String field;

  public RegistryAnswerException(String member, String field, String reason) {
    super("registry answer for " + member + " is malformed: " + field + " " + reason);
    this.field = field;
  }

  /** The field that was missing or malformed (e.g. {@code grantTypes}). */
  public String field() {
    return field;
  }
}
