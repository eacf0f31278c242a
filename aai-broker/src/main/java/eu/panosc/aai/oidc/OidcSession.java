package eu.panosc.aai.oidc;

import eu.panosc.platform.input.Input;
import io.vertx.core.json.JsonObject;

/**
 * A broker session ({@code sid}) started by a sign-in at an upstream OP: the upstream, the OP's issuer, the person's
 * {@code sub} there, the OP's session id ({@code sid} claim, or null), and the OP's ID token (the
 * {@code id_token_hint} of RP-initiated logout).
 */
public record OidcSession(String sid, String upstreamId, String issuer, String subject, String upstreamSid,
    String idToken) {
  /** Marks the JSON {@link #upstreamJson()} as this type's (the SAML login hands over its own). */
  public static final String PROTOCOL = "oidc";

  public OidcSession {
    if (sid != null) {
      Input.id("sid", sid, 256);
    }
    Input.id("upstreamId", upstreamId, 63);
    Input.id("issuer", issuer, 1024);
    Input.id("subject", subject, 255);
    if (upstreamSid != null) {
      Input.id("upstreamSid", upstreamSid, 255);
    }
    Input.id("idToken", idToken, UpstreamJwts.MAX_TOKEN);
  }

  /** This session for broker session {@code brokerSid}. */
  public OidcSession withSid(String brokerSid) {
    return new OidcSession(brokerSid, upstreamId, issuer, subject, upstreamSid, idToken);
  }

  /** What the login hands to the session start (no broker sid yet). */
  public JsonObject upstreamJson() {
    return new JsonObject().put("protocol", PROTOCOL).put("upstream", upstreamId).put("iss", issuer)
        .put("sub", subject).put("sid", upstreamSid).put("id_token", idToken);
  }

  /** Whether {@code upstream} (what a login handed over) came from an OIDC login. */
  public static boolean isOidc(JsonObject upstream) {
    return upstream != null && PROTOCOL.equals(upstream.getString("protocol"));
  }

  public static OidcSession fromJson(String brokerSid, JsonObject j) {
    return new OidcSession(brokerSid, j.getString("upstream"), j.getString("iss"), j.getString("sub"),
        j.getString("sid"), j.getString("id_token"));
  }
}
