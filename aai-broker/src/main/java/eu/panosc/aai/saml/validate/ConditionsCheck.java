package eu.panosc.aai.saml.validate;

import java.time.Instant;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.Conditions;

/**
 * The assertion's Conditions: NotBefore reached and NotOnOrAfter ahead (with the allowed skew), and an
 * AudienceRestriction naming our SP entity id; every AudienceRestriction present must name it (each is a condition).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §2.5.1</a>
 */
final class ConditionsCheck implements Check {
  @Override
  public void check(Inspection in) {
    String id = MarkupCheck.printable(in.assertion().getID());
    Conditions conditions = in.assertion().getConditions();
    if (conditions == null) {
      throw Check.reject(Reason.AUDIENCE, "Assertion " + id + " has no Conditions, so no audience restriction");
    }
    Instant now = in.expected.now();
    if (conditions.getNotBefore() != null && now.plus(in.expected.allowedSkew()).isBefore(conditions.getNotBefore())) {
      throw Check.reject(Reason.NOT_YET_VALID, "Assertion " + id + " is valid only from " + conditions.getNotBefore()
          + " (now " + now + "; is a clock wrong?)");
    }
    if (conditions.getNotOnOrAfter() != null
        && !now.minus(in.expected.allowedSkew()).isBefore(conditions.getNotOnOrAfter())) {
      throw Check.reject(Reason.EXPIRED, "Assertion " + id + " expired at " + conditions.getNotOnOrAfter()
          + " (now " + now + ")");
    }
    if (conditions.getAudienceRestrictions().isEmpty()) {
      throw Check.reject(Reason.AUDIENCE, "Assertion " + id + " has no AudienceRestriction");
    }
    for (AudienceRestriction restriction : conditions.getAudienceRestrictions()) {
      boolean named = false;
      for (Audience audience : restriction.getAudiences()) {
        named |= in.expected.spEntityId().equals(audience.getURI());
      }
      if (!named) {
        throw Check.reject(Reason.AUDIENCE, "Assertion " + id + " is restricted to audiences that do not include "
            + in.expected.spEntityId() + " (is the IdP sending it to another SP?)");
      }
    }
  }
}
