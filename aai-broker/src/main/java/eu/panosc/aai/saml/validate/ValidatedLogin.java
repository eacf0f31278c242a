package eu.panosc.aai.saml.validate;

import eu.panosc.aai.attributes.names.SamlAttribute;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a valid SAML Response says, read from the verified Assertion only; no library types. {@code nameId} and its
 * qualifiers are null when the subject carries no NameID; {@code assertionNotOnOrAfter} is the earliest end of the
 * assertion's validity (Conditions and the bearer confirmation), which is how long the replay cache keeps its id.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §2.3.3</a>
 */
public record ValidatedLogin(String idpEntityId, String responseId, String assertionId,
    Instant assertionNotOnOrAfter, String nameId, String nameIdFormat, String nameQualifier, String spNameQualifier,
    String sessionIndex, String authnContextClassRef, Instant authnInstant, List<SamlAttribute> attributes) {
  public ValidatedLogin {
    Objects.requireNonNull(idpEntityId, "idpEntityId");
    Objects.requireNonNull(responseId, "responseId");
    Objects.requireNonNull(assertionId, "assertionId");
    Objects.requireNonNull(assertionNotOnOrAfter, "assertionNotOnOrAfter");
    attributes = List.copyOf(attributes);
  }
}
