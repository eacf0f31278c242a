package eu.panosc.keycloak.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.keycloak.oauth.ClientCredentials;
import eu.panosc.keycloak.peers.FacilityRealms;
import eu.panosc.keycloak.peers.OidcFlows;
import eu.panosc.keycloak.peers.PanoscPeers;
import eu.panosc.keycloak.testing.FacilityKeycloak;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /realms/<realm>/panosc/registration} of the packaged jar in a real Keycloak registers the realm's OIDC
 * clients in the real federation-registry (demo platform of the test JVM): registered pending under the facility, a
 * second call changes nothing, a change in Keycloak updates the registry; 401 and 403 as problem details.
 */
class RegistrationIT {
  static final String REALM = "kcb-reg";

  @TempDir static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static OidcFlows flows;

  @BeforeAll
  static void start() throws Exception {
    platform = PanoscPeers.start(dataDir);
    keycloak = FacilityKeycloak.shared();
    JsonObject clientAdmin = FacilityRealms.user("clientadmin", "ca-pass")
        .put("clientRoles", new JsonObject().put("realm-management", new JsonArray().add("manage-clients")));
    new FacilityRealms(keycloak).create(new JsonObject().put("realm", REALM).put("enabled", true)
        .put("clients", new JsonArray()
            .add(new JsonObject().put("clientId", "kcb-portal").put("name", "Data portal").put("secret", "p-secret")
                .put("publicClient", false).put("standardFlowEnabled", true)
                .put("redirectUris", new JsonArray().add("https://portal.kcb.example/cb")))
            .add(new JsonObject().put("clientId", "kcb-batch").put("secret", "b-secret").put("publicClient", false)
                .put("standardFlowEnabled", false).put("serviceAccountsEnabled", true))
            .add(new JsonObject().put("clientId", "kcb-spa").put("publicClient", true).put("standardFlowEnabled", true)
                .put("redirectUris", new JsonArray().add("https://spa.kcb.example/*"))))
        .put("users", new JsonArray().add(clientAdmin).add(FacilityRealms.user("plain", "plain-pass"))));
    flows = new OidcFlows(keycloak.baseUrl(), REALM);
  }

  @AfterAll
  static void stop() throws Exception {
    PanoscPeers.stop(platform);
  }

  static String userToken(String user, String password) throws Exception {
    HttpResponse<String> r = flows.password("admin-cli", user, password);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  static HttpResponse<String> register(String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/realms/" + REALM
        + "/panosc/registration")).POST(HttpRequest.BodyPublishers.noBody());
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, String> outcomes(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    return new JsonObject(r.body()).getJsonArray("clients").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(c -> c.getString("clientId"), c -> c.getString("outcome")
            + (c.containsKey("reason") ? ": " + c.getString("reason") : "")));
  }

  static String registryToken() {
    String basic = Base64.getEncoder().encodeToString("registry-admin:registry-admin-demo-secret"
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> t = Http.send(HttpRequest.newBuilder(URI.create(PanoscPeers.BASE + "/aai/token"))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=registry:admin")).build());
    assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
    return new JsonObject(t.body()).getString("access_token");
  }

  static HttpResponse<String> member(String clientId) {
    return Http.getAuthorized(PanoscPeers.BASE + "/registry/admin/v1/clients/" + clientId, registryToken());
  }

  @Test
  void theRealmsClientsAppearInTheRegistryOnceAndFollowChanges() throws Exception {
    String token = userToken("clientadmin", "ca-pass");
    Map<String, String> first = outcomes(register(token));
    assertThat(first).containsEntry("kcb-portal", "registered").containsEntry("kcb-batch", "registered")
        .containsEntry("account", "skipped: a built-in Keycloak client");
    assertThat(first.get("kcb-spa")).startsWith("skipped: wildcard redirect URI https://spa.kcb.example/*");

    HttpResponse<String> portal = member("kcb-portal");
    assertThat(portal.statusCode()).as(portal.body()).isEqualTo(200);
    JsonObject p = new JsonObject(portal.body());
    assertThat(p.getString("facility")).isEqualTo(PanoscPeers.FACILITY);
    assertThat(p.getString("state")).as("the registry's administrator approves").isEqualTo("pending");
    assertThat(p.getString("type")).isEqualTo("confidential");
    assertThat(p.getJsonArray("redirectUris").getList()).containsExactly("https://portal.kcb.example/cb");
    assertThat(p.getString("description")).isEqualTo("Keycloak realm kcb-reg: Data portal");
    JsonObject batch = new JsonObject(member("kcb-batch").body());
    assertThat(batch.getString("type")).isEqualTo("service");
    assertThat(batch.getJsonArray("grantTypes").getList()).containsExactly("client_credentials");
    assertThat(member("kcb-spa").statusCode()).isEqualTo(404);
    String version = portal.headers().firstValue("ETag").orElseThrow();

    Map<String, String> second = outcomes(register(token));
    assertThat(second).containsEntry("kcb-portal", "unchanged").containsEntry("kcb-batch", "unchanged");
    assertThat(member("kcb-portal").headers().firstValue("ETag").orElseThrow()).as("not written again")
        .isEqualTo(version);

    // the facility changes the portal's redirect URI in Keycloak: the next call updates the registry
    String id = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/clients?clientId=kcb-portal", null).body())
        .getJsonObject(0).getString("id");
    JsonObject rep = new JsonObject(keycloak.admin("GET", "/realms/" + REALM + "/clients/" + id, null).body());
    rep.put("redirectUris", new JsonArray().add("https://portal.kcb.example/callback"));
    assertThat(keycloak.admin("PUT", "/realms/" + REALM + "/clients/" + id, rep.encode()).statusCode()).isEqualTo(204);
    assertThat(outcomes(register(token))).containsEntry("kcb-portal", "updated").containsEntry("kcb-batch", "unchanged");
    assertThat(new JsonObject(member("kcb-portal").body()).getJsonArray("redirectUris").getList())
        .containsExactly("https://portal.kcb.example/callback");
  }

  @Test
  void withoutAValidTokenTheAnswerIs401AndWithoutManageClients403() throws Exception {
    HttpResponse<String> none = register(null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).isEqualTo("Bearer realm=\"kcb-reg\"");
    assertThat(new JsonObject(none.body()).getString("detail")).contains("bearer token of realm kcb-reg is required");

    HttpResponse<String> forged = register("not.a.token");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");

    HttpResponse<String> plain = register(userToken("plain", "plain-pass"));
    assertThat(plain.statusCode()).isEqualTo(403);
    assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(new JsonObject(plain.body()).getString("detail")).contains("manage-clients");
    assertThat(new JsonObject(plain.body()).getInteger("status")).isEqualTo(403);
  }

  @Test
  void providerInfoShowsTheEffectiveSettingsButNoSecret() {
    HttpResponse<String> info = keycloak.admin("GET", "/serverinfo", null);
    assertThat(info.statusCode()).isEqualTo(200);
    JsonObject providers = new JsonObject(info.body()).getJsonObject("providers");
    JsonObject registration = providers.getJsonObject("realm-restapi-extension").getJsonObject("providers")
        .getJsonObject("panosc").getJsonObject("operationalInfo");
    assertThat(registration.getString("registry-url")).isEqualTo(PanoscPeers.BASE + "/registry");
    assertThat(registration.getString("facility")).isEqualTo(PanoscPeers.FACILITY);
    JsonObject usage = providers.getJsonObject("eventsListener").getJsonObject("providers")
        .getJsonObject("panosc-usage").getJsonObject("operationalInfo");
    assertThat(usage.getString("accounting-url")).isEqualTo(PanoscPeers.BASE + "/accounting");
    assertThat(usage.getString("fsync-interval-ms")).as("the default").isEqualTo("100");
    assertThat(info.body()).doesNotContain("registry-admin-demo-secret").doesNotContain("resource-broker-demo-secret");
  }

  /**
   * The registry client with a wrong secret against the real aai-broker (this Keycloak's configured credentials are
   * right, and changing them needs a Keycloak restart): the whole call fails with the token endpoint's answer.
   */
  @Test
  void wrongRegistryCredentialsFailTheWholeCallWithTheTokenEndpointsError() {
    HttpClient http = HttpClient.newHttpClient();
    FederationRegistration registration = new FederationRegistration(new HttpRegistryApi(http,
        URI.create(PanoscPeers.BASE + "/registry"), new ClientCredentials(http,
            URI.create(PanoscPeers.BASE + "/aai/token"), "registry-admin", "wrong-secret", "registry:admin",
            Clock.systemUTC())), PanoscPeers.FACILITY);
    assertThatThrownBy(() -> registration.register(REALM, List.of(RegistryDocumentsTest.webApp("kcb-other"))))
        .isInstanceOf(RegistryApi.RegistryException.class)
        .hasMessageContaining("refused client 'registry-admin': HTTP 401 invalid_client")
        .hasMessageNotContaining("wrong-secret");
    assertThat(member("kcb-other").statusCode()).isEqualTo(404);
  }
}
