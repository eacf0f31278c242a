package eu.panosc.aai.saml.validate;

import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;

/**
 * The top-level status is {@code urn:oasis:names:tc:SAML:2.0:status:Success}; otherwise the IdP did not log the user
 * in (the message names the status codes, which tell an operator why, e.g. {@code NoPassive}).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §3.2.2.2</a>
 */
final class StatusCheck implements Check {
  @Override
  public void check(Inspection in) {
    Status status = in.response.getStatus();
    StatusCode code = status == null ? null : status.getStatusCode();
    String value = code == null ? null : code.getValue();
    if (!StatusCode.SUCCESS.equals(value)) {
      StatusCode second = code == null ? null : code.getStatusCode();
      throw Check.reject(Reason.STATUS, "the IdP answered status " + MarkupCheck.printable(value)
          + (second == null ? "" : " / " + MarkupCheck.printable(second.getValue())) + " in Response "
          + MarkupCheck.printable(in.response.getID()));
    }
  }
}
