package eu.panosc.aai.saml.validate;

import org.opensaml.saml.saml2.core.AuthnStatement;

/**
 * The assertion says how and when the user authenticated: at least one AuthnStatement, with an AuthnInstant, and a
 * SessionNotOnOrAfter (if any) still ahead.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.2</a>
 */
final class AuthnStatementCheck implements Check {
  @Override
  public void check(Inspection in) {
    String id = MarkupCheck.printable(in.assertion().getID());
    if (in.assertion().getAuthnStatements().isEmpty()) {
      throw Check.reject(Reason.NO_AUTHN_STATEMENT, "Assertion " + id + " has no AuthnStatement");
    }
    AuthnStatement statement = in.assertion().getAuthnStatements().get(0);
    if (statement.getAuthnInstant() == null) {
      throw Check.reject(Reason.NO_AUTHN_STATEMENT, "the AuthnStatement of Assertion " + id + " has no AuthnInstant");
    }
    if (statement.getSessionNotOnOrAfter() != null
        && !in.expected.now().minus(in.expected.allowedSkew()).isBefore(statement.getSessionNotOnOrAfter())) {
      throw Check.reject(Reason.EXPIRED, "the IdP session of Assertion " + id + " ended at "
          + statement.getSessionNotOnOrAfter());
    }
  }
}
