package eu.panosc.keycloak.peers;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Realm set-up through Keycloak's admin REST API, as a facility's administrator would do it. */
public final class FacilityRealms {
  private final KeycloakHarness keycloak;

  public FacilityRealms(KeycloakHarness keycloak) {
    this.keycloak = keycloak;
  }

  /** Creates {@code realm} (deleting one left by an earlier run) from a representation. */
  public void create(JsonObject realm) {
    String name = realm.getString("realm");
    keycloak.admin("DELETE", "/realms/" + name, null);
    HttpResponse<String> r = keycloak.admin("POST", "/realms", realm.encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  public static JsonObject user(String name, String password) {
    return new JsonObject().put("username", name).put("enabled", true).put("email", name + "@example.org")
        .put("emailVerified", true).put("firstName", name).put("lastName", "Tester")
        .put("credentials", new JsonArray().add(new JsonObject().put("type", "password").put("value", password)
            .put("temporary", false)));
  }

  public String userId(String realm, String username) {
    HttpResponse<String> r = keycloak.admin("GET", "/realms/" + realm + "/users?exact=true&username="
        + URLEncoder.encode(username, StandardCharsets.UTF_8), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonArray(r.body()).getJsonObject(0).getString("id");
  }

  /** Lets administrators set attributes the user profile does not declare, then sets one on the user. */
  public void setAttribute(String realm, String username, String attribute, String value) {
    HttpResponse<String> profile = keycloak.admin("GET", "/realms/" + realm + "/users/profile", null);
    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    JsonObject up = new JsonObject(profile.body()).put("unmanagedAttributePolicy", "ADMIN_EDIT");
    HttpResponse<String> put = keycloak.admin("PUT", "/realms/" + realm + "/users/profile", up.encode());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    String id = userId(realm, username);
    JsonObject rep = new JsonObject(keycloak.admin("GET", "/realms/" + realm + "/users/" + id, null).body());
    JsonObject attributes = rep.getJsonObject("attributes", new JsonObject());
    rep.put("attributes", attributes.put(attribute, new JsonArray().add(value)));
    HttpResponse<String> updated = keycloak.admin("PUT", "/realms/" + realm + "/users/" + id, rep.encode());
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(204);
    JsonObject back = new JsonObject(keycloak.admin("GET", "/realms/" + realm + "/users/" + id, null).body());
    assertThat(back.getJsonObject("attributes").getJsonArray(attribute).getString(0)).isEqualTo(value);
  }

  /** An OIDC identity provider {@code alias} (never contacted here) and a link of the user to {@code subject} there. */
  public void linkUpstream(String realm, String username, String alias, String subject) {
    JsonObject idp = new JsonObject().put("alias", alias).put("providerId", "oidc").put("enabled", true)
        .put("config", new JsonObject().put("authorizationUrl", "https://aai.example/authorize")
            .put("tokenUrl", "https://aai.example/token").put("clientId", "facility-keycloak")
            .put("clientSecret", "unused").put("clientAuthMethod", "client_secret_basic"));
    HttpResponse<String> created = keycloak.admin("POST", "/realms/" + realm + "/identity-provider/instances",
        idp.encode());
    assertThat(created.statusCode()).as(created.body()).isIn(201, 409);
    String id = userId(realm, username);
    HttpResponse<String> link = keycloak.admin("POST", "/realms/" + realm + "/users/" + id
        + "/federated-identity/" + alias, new JsonObject().put("identityProvider", alias).put("userId", subject)
        .put("userName", username).encode());
    assertThat(link.statusCode()).as(link.body()).isEqualTo(204);
  }
}
