package eu.panosc.aai.saml.validate;

/**
 * The Response's Destination is our assertion consumer service URL (required: a response meant for another SP must
 * not be replayable here).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf">SAML 2.0 bindings §3.5.5.2</a>
 */
final class DestinationCheck implements Check {
  @Override
  public void check(Inspection in) {
    String destination = in.response.getDestination();
    if (!in.expected.acsUrl().equals(destination)) {
      throw Check.reject(Reason.DESTINATION, "Response " + MarkupCheck.printable(in.response.getID())
          + " is addressed to " + MarkupCheck.printable(destination) + ", not to our ACS " + in.expected.acsUrl());
    }
  }
}
