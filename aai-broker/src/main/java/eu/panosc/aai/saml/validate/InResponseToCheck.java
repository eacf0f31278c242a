package eu.panosc.aai.saml.validate;

/**
 * The Response answers our AuthnRequest: InResponseTo equals the id we stored; responses without one (IdP-initiated,
 * unsolicited) are refused, since nothing binds them to the browser that started a login.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.2</a>
 */
final class InResponseToCheck implements Check {
  @Override
  public void check(Inspection in) {
    String inResponseTo = in.response.getInResponseTo();
    if (inResponseTo == null || inResponseTo.isEmpty()) {
      throw Check.reject(Reason.IN_RESPONSE_TO, "Response " + MarkupCheck.printable(in.response.getID())
          + " is unsolicited (no InResponseTo); only answers to our own requests are accepted");
    }
    if (!in.expected.requestId().equals(inResponseTo)) {
      throw Check.reject(Reason.IN_RESPONSE_TO, "Response " + MarkupCheck.printable(in.response.getID())
          + " answers request " + MarkupCheck.printable(inResponseTo) + ", not " + in.expected.requestId());
    }
  }
}
