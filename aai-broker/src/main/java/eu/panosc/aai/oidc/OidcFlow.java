package eu.panosc.aai.oidc;

import eu.panosc.platform.input.Input;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * What the broker remembers server-side, under the opaque {@code state} it sends to an upstream OP, of a sign-in or a
 * sign-out in flight there. A sign-in: the upstream, the pending OIDC authorization it continues, the {@code nonce}
 * and PKCE {@code code_verifier} sent (as challenge) with it, and the {@code acr} values the client asked for. A
 * sign-out (RP-initiated logout at the OP): the upstream and where the browser goes afterwards ({@code redirect},
 * already checked; null: the broker's signed-out page).
 */
public record OidcFlow(Kind kind, String upstreamId, String pendingId, String nonce, String verifier,
    List<String> requestedAcr, String redirect) {
  /** Sign-in or sign-out. */
  public enum Kind { LOGIN, LOGOUT }

  public OidcFlow {
    Objects.requireNonNull(kind, "kind");
    Input.id("upstreamId", upstreamId, 63);
    requestedAcr = List.copyOf(requestedAcr);
    if (kind == Kind.LOGIN) {
      Input.id("pendingId", pendingId, 256);
      Input.id("nonce", nonce, 128);
      Input.id("verifier", verifier, 128);
      for (String acr : requestedAcr) {
        Input.id("requestedAcr", acr, 1024);
      }
    } else if (redirect != null) {
      Input.text("redirect", redirect, 4096, true);
    }
  }

  /** A sign-in through {@code upstreamId} for the pending authorization {@code pendingId}. */
  public static OidcFlow login(String upstreamId, String pendingId, String nonce, String verifier,
      List<String> requestedAcr) {
    return new OidcFlow(Kind.LOGIN, upstreamId, pendingId, nonce, verifier, requestedAcr, null);
  }

  /** A sign-out at {@code upstreamId}, then to {@code redirect} (or null: the signed-out page). */
  public static OidcFlow logout(String upstreamId, String redirect) {
    return new OidcFlow(Kind.LOGOUT, upstreamId, null, null, null, List.of(), redirect);
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.name()).put("upstream", upstreamId).put("pending", pendingId)
        .put("nonce", nonce).put("verifier", verifier).put("acr", new JsonArray(requestedAcr))
        .put("redirect", redirect);
  }

  public static OidcFlow fromJson(JsonObject j) {
    JsonArray acr = j.getJsonArray("acr", new JsonArray());
    return new OidcFlow(Kind.valueOf(j.getString("kind")), j.getString("upstream"), j.getString("pending"),
        j.getString("nonce"), j.getString("verifier"), acr.stream().map(String::valueOf).toList(),
        j.getString("redirect"));
  }
}
