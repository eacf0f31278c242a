package eu.panosc.aai.saml.sp;

import eu.panosc.platform.input.Input;
import java.util.List;

/**
 * What the broker remembers of a SAML login in flight, server-side under an opaque RelayState handle: the
 * AuthnRequest's ID (the Response's {@code InResponseTo} must equal it), the IdP it was sent to, the pending OIDC
 * authorization the login continues, the authentication context classes requested (empty: none), and the configured
 * upstream ({@code services.aai.upstreams.<id>}) whose metadata and attribute mapper the answer is read with (null
 * only for flows stored before upstreams were recorded).
 */
public record SamlFlow(String requestId, String idpEntityId, String pendingId, List<String> requestedAcr,
    String upstreamId) {
  public SamlFlow {
    Input.id("requestId", requestId, 256);
    Input.id("idpEntityId", idpEntityId, 1024);
    Input.id("pendingId", pendingId, 256);
    requestedAcr = List.copyOf(requestedAcr);
    for (String acr : requestedAcr) {
      Input.id("requestedAcr", acr, 1024);
    }
    if (upstreamId != null) {
      Input.id("upstreamId", upstreamId, 63);
    }
  }

  /** A flow without a recorded upstream. */
  public SamlFlow(String requestId, String idpEntityId, String pendingId, List<String> requestedAcr) {
    this(requestId, idpEntityId, pendingId, requestedAcr, null);
  }
}
