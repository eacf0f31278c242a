package eu.panosc.aai.authorize;

import eu.panosc.aai.protocol.OAuthError;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The OpenID Connect {@code claims} request parameter (OIDC Core §5.5), of which the broker acts on the {@code acr}
 * member only (§5.5.1.1): {@code {"id_token":{"acr":{"essential":true,"values":[...]}}}} (also under
 * {@code userinfo}, and with {@code value} for one value). Essential acr values are required of the login exactly as
 * {@code acr_values} are (upstream as the SAML {@code RequestedAuthnContext}; unmet, the client gets
 * {@code unmet_authentication_requirements}); a voluntary acr request is a preference the broker may ignore (§5.5.1),
 * and does: the token's {@code acr} says what the login achieved. Other claim requests are ignored, as §5.5 allows.
 * A parameter that is not a JSON object, or whose {@code acr} request is malformed, is {@code invalid_request}.
 */
final class ClaimsParameter {
  /** At most this many acr values are accepted. */
  static final int MAX_VALUES = 10;
  /** An acr value longer than this is refused. */
  static final int MAX_VALUE_LENGTH = 256;

  private ClaimsParameter() {}

  /** The essential acr values {@code claims} asks for, in order, without duplicates; empty for null. */
  static List<String> essentialAcr(String claims) {
    if (claims == null) {
      return List.of();
    }
    JsonObject root;
    try {
      root = new JsonObject(claims);
    } catch (DecodeException | ClassCastException e) {
      throw OAuthError.invalidRequest("claims must be a JSON object (OpenID Connect Core 5.5)");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String member : List.of("id_token", "userinfo")) {
      Object requests = root.getValue(member);
      if (requests == null) {
        continue;
      }
      if (!(requests instanceof JsonObject r)) {
        throw OAuthError.invalidRequest("claims." + member + " must be a JSON object");
      }
      Object acr = r.getValue("acr");
      if (acr == null) {
        continue; // null: requested in the default manner (voluntary)
      }
      if (!(acr instanceof JsonObject a)) {
        throw OAuthError.invalidRequest("claims." + member + ".acr must be null or a JSON object");
      }
      Object essential = a.getValue("essential");
      if (essential != null && !(essential instanceof Boolean)) {
        throw OAuthError.invalidRequest("claims." + member + ".acr.essential must be true or false");
      }
      List<String> values = values(member, a);
      if (Boolean.TRUE.equals(essential)) {
        out.addAll(values);
      }
    }
    if (out.size() > MAX_VALUES) {
      throw OAuthError.invalidRequest("claims asks for more than " + MAX_VALUES + " acr values");
    }
    return List.copyOf(out);
  }

  private static List<String> values(String member, JsonObject acr) {
    Object value = acr.getValue("value");
    Object values = acr.getValue("values");
    if (value != null && values != null) {
      throw OAuthError.invalidRequest("claims." + member + ".acr has both value and values");
    }
    List<Object> raw = new ArrayList<>();
    if (value != null) {
      raw.add(value);
    } else if (values instanceof JsonArray array) {
      if (array.isEmpty()) {
        throw OAuthError.invalidRequest("claims." + member + ".acr.values must not be empty");
      }
      array.forEach(raw::add);
    } else if (values != null) {
      throw OAuthError.invalidRequest("claims." + member + ".acr.values must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : raw) {
      if (!(o instanceof String s) || s.isBlank() || s.contains(" ")
          || !eu.panosc.platform.input.Input.isClean(s, MAX_VALUE_LENGTH)) {
        throw OAuthError.invalidRequest("claims." + member + ".acr values must be non-empty strings without spaces, "
            + "at most " + MAX_VALUE_LENGTH + " characters");
      }
      out.add(s);
    }
    return out;
  }
}
