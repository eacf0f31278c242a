package eu.panosc.aai.saml.validate;

import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameIDType;

/**
 * The Assertion's Issuer is the expected IdP (entity format or none); the Response's Issuer too when present, and it
 * must be present when the Response is signed or the assertion was encrypted.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.2</a>
 */
final class IssuerCheck implements Check {
  @Override
  public void check(Inspection in) {
    String expected = in.expected.idpEntityId();
    Issuer responseIssuer = in.response.getIssuer();
    if (responseIssuer == null) {
      if (in.responseSigned || in.encrypted) {
        throw Check.reject(Reason.ISSUER, "Response " + MarkupCheck.printable(in.response.getID())
            + " is signed or encrypted but names no Issuer");
      }
    } else {
      match(responseIssuer, expected, "Response " + MarkupCheck.printable(in.response.getID()));
    }
    Issuer assertionIssuer = in.assertion().getIssuer();
    if (assertionIssuer == null) {
      throw Check.reject(Reason.ISSUER, "Assertion " + MarkupCheck.printable(in.assertion().getID())
          + " names no Issuer");
    }
    match(assertionIssuer, expected, "Assertion " + MarkupCheck.printable(in.assertion().getID()));
  }

  private static void match(Issuer issuer, String expected, String what) {
    String format = issuer.getFormat();
    if (format != null && !NameIDType.ENTITY.equals(format)) {
      throw Check.reject(Reason.ISSUER, what + " has an Issuer of format " + MarkupCheck.printable(format)
          + ", not an entity id");
    }
    if (!expected.equals(issuer.getValue())) {
      throw Check.reject(Reason.ISSUER, what + " was issued by " + MarkupCheck.printable(issuer.getValue())
          + ", not by the IdP the login was sent to (" + expected + ")");
    }
  }
}
