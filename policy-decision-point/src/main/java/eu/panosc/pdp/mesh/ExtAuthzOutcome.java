package eu.panosc.pdp.mesh;

/** The forward-auth's answer, rendered by the endpoint: 200, 401 or 403. */
public sealed interface ExtAuthzOutcome {
  /** 200: pass to the upstream; {@code subject} is null for a public route. */
  record Allow(String subject, String decisionId) implements ExtAuthzOutcome {}

  /** 403 with {@code reason} (the PDP's user reason, or why no decision could be made); decisionId may be null. */
  record Deny(String reason, String decisionId) implements ExtAuthzOutcome {}

  /** 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} (or no error when no token was sent). */
  record Unauthenticated(String error, String description) implements ExtAuthzOutcome {}
}
