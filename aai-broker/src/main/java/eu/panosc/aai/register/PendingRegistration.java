package eu.panosc.aai.register;

import eu.panosc.aai.user.UpstreamIdentity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * A registration page shown and not yet submitted: the pending authorization it continues, the identity the upstream
 * login released, and what the upstream needs to know once the session starts ({@code upstream}, e.g. the SAML NameID
 * for Single Logout; null when nothing).
 */
public record PendingRegistration(String pendingId, UpstreamIdentity identity, JsonObject upstream) {
  public PendingRegistration {
    Objects.requireNonNull(pendingId, "pendingId");
    Objects.requireNonNull(identity, "identity");
  }

  /** The identity as stored. */
  static JsonObject toJson(UpstreamIdentity i) {
    return new JsonObject().put("userId", i.userId()).put("name", i.displayName()).put("email", i.email())
        .put("entitlements", new JsonArray(i.entitlements())).put("assurance", new JsonArray(i.assurance()))
        .put("acr", i.acr()).put("amr", new JsonArray(i.amr()));
  }

  static UpstreamIdentity identityOf(JsonObject j) {
    return new UpstreamIdentity(j.getString("userId"), j.getString("name"), j.getString("email"),
        strings(j.getJsonArray("entitlements")), strings(j.getJsonArray("assurance")), j.getString("acr"),
        strings(j.getJsonArray("amr")));
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }
}
