package eu.panosc.aai.saml.slo;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A received Single Logout message whose signature verified under a key of its issuer's metadata, read into plain
 * values (no library types). A request carries the subject ({@code nameId} with its format and qualifiers, the
 * {@code sessionIndexes}) and may carry {@code notOnOrAfter}; a response carries {@code inResponseTo} and its status
 * (top-level and second-level codes).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §3.7</a>
 */
public record LogoutMessage(Kind kind, String id, String issuer, String destination, Instant issueInstant,
    Instant notOnOrAfter, String inResponseTo, String status, String subStatus, String nameId, String nameIdFormat,
    String nameQualifier, String spNameQualifier, List<String> sessionIndexes, String relayState) {
  /** LogoutRequest or LogoutResponse. */
  public enum Kind { REQUEST, RESPONSE }

  public LogoutMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(issuer, "issuer");
    sessionIndexes = List.copyOf(sessionIndexes);
  }
}
