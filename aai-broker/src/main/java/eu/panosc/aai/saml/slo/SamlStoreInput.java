package eu.panosc.aai.saml.slo;

import eu.panosc.platform.input.Input;

/** The input rule for what the {@link SamlSessions} stores are handed (ids, the redirect and its state). */
final class SamlStoreInput {
  private SamlStoreInput() {}

  static void sid(String sid) {
    Input.id("sid", sid, 256);
  }

  static void flow(SamlSessions.LogoutFlow flow) {
    Input.id("requestId", flow.requestId(), 256);
    Input.id("idpEntityId", flow.idpEntityId(), 1024);
    Input.text("redirect", flow.redirect(), 2048, false);
    Input.text("state", flow.state(), 2048, false);
  }
}
