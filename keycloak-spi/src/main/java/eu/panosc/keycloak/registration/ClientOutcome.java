package eu.panosc.keycloak.registration;

/** What happened to one client: {@code registered}, {@code updated}, {@code unchanged}, {@code skipped} or {@code failed}. */
public record ClientOutcome(String clientId, String outcome, String reason) {
  public static final String REGISTERED = "registered";
  public static final String UPDATED = "updated";
  public static final String UNCHANGED = "unchanged";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";
}
