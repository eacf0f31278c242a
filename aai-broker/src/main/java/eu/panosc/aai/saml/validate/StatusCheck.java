package eu.panosc.aai.saml.validate;

import java.util.Set;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;

/**
 * The top-level status is {@code urn:oasis:names:tc:SAML:2.0:status:Success}; otherwise the IdP did not log the user
 * in (the message names the status codes, which tell an operator why, e.g. {@code NoPassive}). A second-level
 * {@code NoAuthnContext} or {@code RequestUnsupported} in answer to our request (InResponseTo is our request's ID) is
 * {@link Reason#AUTHN_CONTEXT_UNMET}: the IdP cannot meet the requested authentication context, which the client can
 * act on; any other failure status (or one not in answer to our request) is {@link Reason#STATUS}.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §3.2.2.2</a>
 */
final class StatusCheck implements Check {
  /** Second-level codes saying the requested authentication context cannot be met (SAML 2.0 core §3.2.2.2). */
  static final Set<String> UNMET = Set.of(StatusCode.NO_AUTHN_CONTEXT, StatusCode.REQUEST_UNSUPPORTED);

  @Override
  public void check(Inspection in) {
    Status status = in.response.getStatus();
    StatusCode code = status == null ? null : status.getStatusCode();
    String value = code == null ? null : code.getValue();
    if (!StatusCode.SUCCESS.equals(value)) {
      StatusCode second = code == null ? null : code.getStatusCode();
      String message = "the IdP answered status " + MarkupCheck.printable(value)
          + (second == null ? "" : " / " + MarkupCheck.printable(second.getValue())) + " in Response "
          + MarkupCheck.printable(in.response.getID());
      boolean ours = in.expected.requestId().equals(in.response.getInResponseTo());
      if (ours && second != null && UNMET.contains(second.getValue())) {
        throw Check.reject(Reason.AUTHN_CONTEXT_UNMET, message);
      }
      throw Check.reject(Reason.STATUS, message);
    }
  }
}
