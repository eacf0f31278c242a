package eu.panosc.aai.saml.sp;

import eu.panosc.platform.input.Input;
import java.util.List;

/**
 * What the broker remembers of a SAML login in flight, server-side under an opaque RelayState handle: the
 * AuthnRequest's ID (the Response's {@code InResponseTo} must equal it), the IdP it was sent to, the pending OIDC
 * authorization the login continues, and the authentication context classes requested (empty: none).
 */
public record SamlFlow(String requestId, String idpEntityId, String pendingId, List<String> requestedAcr) {
  public SamlFlow {
    Input.id("requestId", requestId, 256);
    Input.id("idpEntityId", idpEntityId, 1024);
    Input.id("pendingId", pendingId, 256);
    requestedAcr = List.copyOf(requestedAcr);
    for (String acr : requestedAcr) {
      Input.id("requestedAcr", acr, 1024);
    }
  }
}
