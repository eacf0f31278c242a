package eu.panosc.aai.authorize;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636): the client and its
 * exact registered redirect URI, scopes, state, nonce, the S256 PKCE challenge, prompt, max_age,
 * acr_values and the audiences its tokens will carry.
 */
public record AuthorizationRequest(String clientId, String redirectUri, List<String> scopes, String state,
    String nonce, String codeChallenge, Set<String> prompt, Integer maxAge, List<String> acrValues,
    List<String> audiences) {
  public AuthorizationRequest {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(redirectUri, "redirectUri");
    scopes = List.copyOf(scopes);
    prompt = Set.copyOf(prompt);
    acrValues = List.copyOf(acrValues);
    audiences = List.copyOf(audiences);
  }

  public JsonObject toJson() {
    return new JsonObject().put("clientId", clientId).put("redirectUri", redirectUri)
        .put("scopes", new JsonArray(scopes)).put("state", state).put("nonce", nonce)
        .put("codeChallenge", codeChallenge).put("prompt", new JsonArray(List.copyOf(prompt)))
        .put("maxAge", maxAge).put("acrValues", new JsonArray(acrValues)).put("audiences", new JsonArray(audiences));
  }

  public static AuthorizationRequest fromJson(JsonObject j) {
    return new AuthorizationRequest(j.getString("clientId"), j.getString("redirectUri"), strings(j, "scopes"),
        j.getString("state"), j.getString("nonce"), j.getString("codeChallenge"), Set.copyOf(strings(j, "prompt")),
        j.getInteger("maxAge"), strings(j, "acrValues"), strings(j, "audiences"));
  }

  private static List<String> strings(JsonObject j, String key) {
    return j.getJsonArray(key, new JsonArray()).stream().map(String::valueOf).toList();
  }
}
