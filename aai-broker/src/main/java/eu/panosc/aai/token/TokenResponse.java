package eu.panosc.aai.token;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A successful token response (RFC 6749 §5.1): the access token, and optionally a refresh token, an ID
 * token and further members (e.g. {@code issued_token_type} for token exchange).
 */
public record TokenResponse(AccessTokens.Issued accessToken, String refreshToken, String idToken, JsonObject extra) {
  public TokenResponse {
    Objects.requireNonNull(accessToken, "accessToken");
    extra = extra == null ? new JsonObject() : extra.copy();
  }

  public static TokenResponse of(AccessTokens.Issued accessToken) {
    return new TokenResponse(accessToken, null, null, null);
  }

  public JsonObject toJson(long expiresInSeconds) {
    JsonObject json = new JsonObject().put("access_token", accessToken.jwt()).put("token_type", "Bearer")
        .put("expires_in", expiresInSeconds)
        .put("scope", String.join(" ", accessToken.scopes().stream().sorted().toList()));
    if (refreshToken != null) {
      json.put("refresh_token", refreshToken);
    }
    if (idToken != null) {
      json.put("id_token", idToken);
    }
    extra.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }
}
