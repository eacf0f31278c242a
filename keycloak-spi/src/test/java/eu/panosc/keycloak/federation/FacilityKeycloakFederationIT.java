package eu.panosc.keycloak.federation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.AaiApplication;
import eu.panosc.keycloak.testing.FacilityKeycloak;
import eu.panosc.pdp.PdpApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.KeycloakHarness;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A facility's Keycloak (the JVM's {@link FacilityKeycloak}, with our jar) joins the demo federation: the real
 * registry, aai-broker and PDP run in this JVM (demo mode); the Keycloak is registered in the registry as an ESRF
 * client and has the aai-broker as its OIDC identity provider {@code panosc} with our entitlement group mapper; its
 * local client {@code portal} has our PDP claims mapper, and its client policies our dataset-audience executor. Bob
 * (demo user, co-proposer of esrf:MX-2415) signs in at the facility Keycloak through the aai-broker's demo login.
 */
class FacilityKeycloakFederationIT {
  private static final String REALM = "facility";
  private static final String IDP = "panosc";
  private static final String PORTAL_SECRET = "portal-local-secret";
  private static final String CALLBACK = "http://127.0.0.1:9/cb";
  private static final String MX_EMBARGOED = "10.15151/ESRF-DC-2415001";
  private static final String ILL_EMBARGOED = "10.5291/ILL-DATA.9-10-1650";
  private static final String XFEL_EMBARGOED = "10.22003/XFEL.EU-DATA-002712-00";

  @TempDir
  static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static String base;
  static String kc;
  static String portalId;

  @BeforeAll
  static void start() throws Exception {
    keycloak = FacilityKeycloak.shared();
    // the registry takes http redirect URIs on localhost only (demo mode); Keycloak answers there as well
    kc = keycloak.baseUrl().replace("127.0.0.1", "localhost");
    platform = PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication(),
        new PdpApplication()), true, Map.of(), Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    JsonObject discovery = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());

    String admin = clientToken("registry-admin", "registry-admin-demo-secret", "registry:admin");
    JsonObject registration = new JsonObject().put("clientId", "esrf-keycloak").put("facility", "esrf")
        .put("type", "confidential").put("grantTypes", new JsonArray().add("authorization_code"))
        .put("redirectUris", new JsonArray().add(kc + "/realms/" + REALM + "/broker/" + IDP + "/endpoint"))
        .put("scopes", new JsonArray().add("openid").add("profile").add("email"));
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin,
        registration.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String brokerSecret = new JsonObject(created.body()).getString("clientSecret");
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/clients/esrf-keycloak/approve", admin, null)
        .statusCode()).isEqualTo(200);

    JsonObject profile = new JsonObject().put("unmanagedAttributePolicy", "ENABLED").put("attributes", new JsonArray(
        List.of("username", "email", "firstName", "lastName").stream().map(n -> new JsonObject().put("name", n)
            .put("displayName", "${" + n + "}").put("permissions", new JsonObject().put("view", new JsonArray()
                .add("admin").add("user")).put("edit", new JsonArray().add("admin"))).put("multivalued", false))
            .toList()));
    JsonObject realm = new JsonObject().put("realm", REALM).put("enabled", true).put("sslRequired", "none")
        .put("components", new JsonObject().put("org.keycloak.userprofile.UserProfileProvider", new JsonArray()
            .add(new JsonObject().put("providerId", "declarative-user-profile").put("subComponents", new JsonObject())
                .put("config", new JsonObject().put("kc.user.profile.config", new JsonArray().add(profile.encode()))))));
    expect(keycloak.admin("POST", "/realms", realm.encode()), 201);

    JsonObject idp = new JsonObject().put("alias", IDP).put("providerId", "oidc").put("enabled", true)
        .put("trustEmail", true).put("config", new JsonObject()
            .put("issuer", discovery.getString("issuer"))
            .put("authorizationUrl", discovery.getString("authorization_endpoint"))
            .put("tokenUrl", discovery.getString("token_endpoint"))
            .put("userInfoUrl", discovery.getString("userinfo_endpoint"))
            .put("jwksUrl", discovery.getString("jwks_uri")).put("useJwksUrl", "true").put("validateSignature", "true")
            .put("clientId", "esrf-keycloak").put("clientSecret", brokerSecret)
            .put("clientAuthMethod", "client_secret_basic").put("defaultScope", "openid profile email")
            .put("pkceEnabled", "true").put("pkceMethod", "S256").put("syncMode", "FORCE")
            .put("isAccessTokenJWT", "true"));
    expect(keycloak.admin("POST", "/realms/" + REALM + "/identity-provider/instances", idp.encode()), 201);
    expect(keycloak.admin("POST", "/realms/" + REALM + "/identity-provider/instances/" + IDP + "/mappers",
        new JsonObject().put("name", "proposal groups").put("identityProviderAlias", IDP)
            .put("identityProviderMapper", "panosc-entitlement-group-mapper")
            .put("config", new JsonObject().put("syncMode", "FORCE").put("trustedAuthorities", "demo.panosc.eu"))
            .encode()), 201);

    JsonObject portal = new JsonObject().put("clientId", "portal").put("protocol", "openid-connect")
        .put("publicClient", false).put("secret", PORTAL_SECRET).put("standardFlowEnabled", true)
        .put("redirectUris", new JsonArray().add(CALLBACK));
    HttpResponse<String> portalCreated = keycloak.admin("POST", "/realms/" + REALM + "/clients", portal.encode());
    expect(portalCreated, 201);
    String location = portalCreated.headers().firstValue("Location").orElseThrow();
    portalId = location.substring(location.lastIndexOf('/') + 1);
    expect(keycloak.admin("POST", "/realms/" + REALM + "/clients/" + portalId + "/protocol-mappers/models",
        claimsMapper(pdpConfig().put("includeDatasets", "true").put("cacheTtlSeconds", "1")).encode()), 201);

    expect(keycloak.admin("PUT", "/realms/" + REALM + "/client-policies/profiles", new JsonObject()
        .put("profiles", new JsonArray().add(new JsonObject().put("name", "panosc-datasets")
            .put("description", "datasets named in a token request must be readable")
            .put("executors", new JsonArray().add(new JsonObject().put("executor", "panosc-dataset-audience")
                .put("configuration", pdpConfig().put("prefix", "dataset:")))))).encode()), 204);
    // the browser side: a post-login flow of the identity provider with our authenticator
    String flows = "/realms/" + REALM + "/authentication/flows";
    expect(keycloak.admin("POST", flows, new JsonObject().put("alias", "panosc-post-login").put("providerId",
        "basic-flow").put("topLevel", true).put("builtIn", false).put("description", "dataset check").encode()), 201);
    expect(keycloak.admin("POST", flows + "/panosc-post-login/executions/execution", new JsonObject()
        .put("provider", "panosc-dataset-access").encode()), 201);
    JsonObject execution = new JsonArray(keycloak.admin("GET", flows + "/panosc-post-login/executions", null).body())
        .getJsonObject(0);
    expect(keycloak.admin("PUT", flows + "/panosc-post-login/executions", execution.copy()
        .put("requirement", "REQUIRED").encode()), 202, 204);
    expect(keycloak.admin("POST", "/realms/" + REALM + "/authentication/executions/" + execution.getString("id")
        + "/config", new JsonObject().put("alias", "panosc-dataset-access").put("config", pdpConfig()).encode()), 201);
    JsonObject stored = new JsonObject(keycloak.admin("GET", "/realms/" + REALM + "/identity-provider/instances/"
        + IDP, null).body());
    expect(keycloak.admin("PUT", "/realms/" + REALM + "/identity-provider/instances/" + IDP,
        stored.put("postBrokerLoginFlowAlias", "panosc-post-login").encode()), 204);

    expect(keycloak.admin("PUT", "/realms/" + REALM + "/client-policies/policies", new JsonObject()
        .put("policies", new JsonArray().add(new JsonObject().put("name", "panosc-datasets").put("enabled", true)
            .put("conditions", new JsonArray().add(new JsonObject().put("condition", "any-client")
                .put("configuration", new JsonObject())))
            .put("profiles", new JsonArray().add("panosc-datasets")))).encode()), 204);
  }

  @AfterAll
  static void stop() throws Exception {
    if (keycloak != null) {
      keycloak.admin("DELETE", "/realms/" + REALM, null);
    }
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  /** The PDP connection our providers use: the demo client scicat-esrf (client_credentials, pdp:evaluate). */
  private static JsonObject pdpConfig() {
    return new JsonObject().put("pdpUrl", base + "/pdp").put("tokenEndpoint", base + "/aai/token")
        .put("pdpClientId", "scicat-esrf").put("pdpClientSecret", "scicat-esrf-demo-secret").put("facility", "esrf")
        .put("identityProvider", IDP).put("budgetMillis", "5000");
  }

  private static JsonObject claimsMapper(JsonObject config) {
    return new JsonObject().put("name", "panosc claims " + config.hashCode()).put("protocol", "openid-connect")
        .put("protocolMapper", "panosc-pdp-claims-mapper")
        .put("config", config.put("access.token.claim", "true").put("id.token.claim", "false")
            .put("userinfo.token.claim", "false"));
  }

  private static void expect(HttpResponse<String> r, Integer... statuses) {
    assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + ": " + r.body()).isIn((Object[]) statuses);
  }

  static String clientToken(String id, String secret, String scope) {
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret)
            .getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
            + FederationBrowser.enc(scope))).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  /** A further local client whose claims mapper has {@code config}; answers its internal id. */
  private static String client(String clientId, JsonObject config) {
    JsonObject c = new JsonObject().put("clientId", clientId).put("protocol", "openid-connect")
        .put("publicClient", false).put("secret", PORTAL_SECRET).put("standardFlowEnabled", true)
        .put("redirectUris", new JsonArray().add(CALLBACK));
    HttpResponse<String> created = keycloak.admin("POST", "/realms/" + REALM + "/clients", c.encode());
    expect(created, 201);
    String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
    expect(keycloak.admin("POST", "/realms/" + REALM + "/clients/" + id + "/protocol-mappers/models",
        claimsMapper(config).encode()), 201);
    return id;
  }

  /** Bob signs in at the portal through the aai-broker (a fresh browser: a new upstream login); the token answer. */
  private static HttpResponse<String> portalToken(String user, String scope) {
    return tokenAt("portal", user, scope, "");
  }

  private static HttpResponse<String> tokenAt(String clientId, String user, String scope) {
    return tokenAt(clientId, user, scope, "");
  }

  /** As {@link #portalToken}, at {@code clientId}, with {@code extra} form parameters on the token request. */
  private static HttpResponse<String> tokenAt(String clientId, String user, String scope, String extra) {
    FederationBrowser browser = new FederationBrowser();
    String back = browser.signIn(kc + "/realms/" + REALM + "/protocol/openid-connect/auth?response_type=code"
        + "&client_id=" + clientId + "&state=s1&kc_idp_hint=" + IDP + "&scope=" + FederationBrowser.enc(scope)
        + "&redirect_uri=" + FederationBrowser.enc(CALLBACK), base, user, CALLBACK);
    String code = Pattern.compile("[?&]code=([^&]+)").matcher(back).results().findFirst()
        .orElseThrow(() -> new AssertionError("no code in " + back)).group(1);
    return Http.send(HttpRequest.newBuilder(URI.create(kc + "/realms/" + REALM + "/protocol/openid-connect/token"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + PORTAL_SECRET)
            .getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&redirect_uri="
            + FederationBrowser.enc(CALLBACK) + "&code=" + FederationBrowser.enc(URLDecoder.decode(code,
            StandardCharsets.UTF_8)) + extra)).build());
  }

  private static JsonObject claims(HttpResponse<String> tokenAnswer) {
    assertThat(tokenAnswer.statusCode()).as(tokenAnswer.body()).isEqualTo(200);
    String jwt = new JsonObject(tokenAnswer.body()).getString("access_token");
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static List<String> groupsOf(String username) {
    JsonArray users = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users?briefRepresentation=true"
        + "&idpAlias=" + IDP, null).body());
    assertThat(users).as("brokered users").hasSize(1);
    String id = users.getJsonObject(0).getString("id");
    return new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users/" + id + "/groups?briefRepresentation=false",
        null).body()).stream().map(o -> ((JsonObject) o).getString("path")).sorted().toList();
  }

  @Test
  void federationLoginWhenBobSignsInThenGroupsClaimsDatasetsAndTheirChanges() throws Exception {
    JsonObject first = claims(portalToken("bob", "openid"));
    assertThat(groupsOf("bob")).containsExactly("/proposals/esrf/MX-2415", "/proposals/esrf/MX-2415/co-proposer");
    assertThat(first.getJsonArray("proposals")).as(first.encode()).isEqualTo(new JsonArray().add(new JsonObject()
        .put("id", "esrf:MX-2415").put("roles", new JsonArray().add("co-proposer"))));
    assertThat(first.getJsonArray("datasets").getList()).as(first.encode()).contains(MX_EMBARGOED)
        .doesNotContain(ILL_EMBARGOED);
    assertThat(first.containsKey("datasets_unavailable")).isFalse();

    // a group under /proposals that no entitlement names any more is left at the next login
    JsonArray users = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users?idpAlias=" + IDP, null).body());
    String bobId = users.getJsonObject(0).getString("id");
    JsonObject esrf = new JsonObject(keycloak.admin("GET", "/realms/" + REALM + "/group-by-path/proposals/esrf", null)
        .body());
    HttpResponse<String> old = keycloak.admin("POST", "/realms/" + REALM + "/groups/" + esrf.getString("id")
        + "/children", new JsonObject().put("name", "OLD-1").encode());
    expect(old, 201);
    String oldId = old.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
    expect(keycloak.admin("PUT", "/realms/" + REALM + "/users/" + bobId + "/groups/" + oldId, null), 204);
    assertThat(groupsOf("bob")).contains("/proposals/esrf/OLD-1");

    // the PDP forgets bob's membership: once the 1 s cache has passed, his next token lacks the embargoed dataset
    String pdpAdmin = clientToken("pdp-admin", "pdp-admin-demo-secret", "pdp:admin");
    expect(Http.sendJson("DELETE", base + "/pdp/v1/members/esrf:MX-2415/bob@demo.panosc.eu", pdpAdmin, null), 204);
    Thread.sleep(1100);
    JsonObject second = claims(portalToken("bob", "openid"));
    assertThat(groupsOf("bob")).doesNotContain("/proposals/esrf/OLD-1").contains("/proposals/esrf/MX-2415");
    assertThat(second.getJsonArray("datasets").getList()).as(second.encode()).doesNotContain(MX_EMBARGOED);
  }

  @Test
  void datasetResourceWhenThePdpDeniesThenInvalidGrantAndWhenItAllowsThenAToken() {
    // Keycloak refuses unknown scopes at its authorization endpoint (invalid_scope), so the dataset is named by an
    // RFC 8707 resource parameter of the token request
    HttpResponse<String> denied = tokenAt("portal", "bob", "openid", "&resource="
        + FederationBrowser.enc("dataset:" + ILL_EMBARGOED));
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(400);
    JsonObject error = new JsonObject(denied.body());
    // Keycloak answers a client-policy refusal at the token endpoint as invalid_grant (RFC 6749 §5.2 has no
    // access_denied) with the executor's description
    assertThat(error.getString("error")).isEqualTo("invalid_grant");
    assertThat(error.getString("error_description")).contains(ILL_EMBARGOED);

    HttpResponse<String> allowed = tokenAt("portal", "bob", "openid", "&resource="
        + FederationBrowser.enc("dataset:" + XFEL_EMBARGOED));
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
  }

  /** A refresh_token grant of the portal with {@code extra} form parameters. */
  private static HttpResponse<String> refresh(String refreshToken, String extra) {
    return Http.send(HttpRequest.newBuilder(URI.create(kc + "/realms/" + REALM + "/protocol/openid-connect/token"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("portal:" + PORTAL_SECRET)
            .getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token="
            + FederationBrowser.enc(refreshToken) + extra)).build());
  }

  private static String refreshTokenOf(HttpResponse<String> tokenAnswer) {
    assertThat(tokenAnswer.statusCode()).as(tokenAnswer.body()).isEqualTo(200);
    return new JsonObject(tokenAnswer.body()).getString("refresh_token");
  }

  @Test
  void datasetResourceAtARefreshWhenThePdpDeniesThenInvalidGrantAndWhenItAllowsThenTokens() {
    String refreshToken = refreshTokenOf(portalToken("bob", "openid"));

    HttpResponse<String> denied = refresh(refreshToken, "&resource=" + FederationBrowser.enc("dataset:"
        + ILL_EMBARGOED));
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(400);
    JsonObject error = new JsonObject(denied.body());
    assertThat(error.getString("error")).isEqualTo("invalid_grant");
    assertThat(error.getString("error_description")).isEqualTo("You may not read dataset " + ILL_EMBARGOED + ".");

    HttpResponse<String> allowed = refresh(refreshToken, "&resource=" + FederationBrowser.enc("dataset:"
        + XFEL_EMBARGOED));
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(new JsonObject(allowed.body()).getString("access_token")).isNotBlank();
    // a refresh naming no dataset is not the executor's business
    assertThat(refresh(refreshToken, "").statusCode()).isEqualTo(200);
  }

  @Test
  void datasetExecutorWhenThePdpIsUnavailableThenRefusedFailClosed() {
    // a token obtained while the PDP is reachable, refreshed after the executor's PDP has gone
    String refreshToken = refreshTokenOf(portalToken("bob", "openid"));
    String profiles = "/realms/" + REALM + "/client-policies/profiles";
    String saved = keycloak.admin("GET", profiles, null).body();
    String dead = "http://127.0.0.1:" + Http.freePort();
    expect(keycloak.admin("PUT", profiles, new JsonObject().put("profiles", new JsonArray().add(new JsonObject()
        .put("name", "panosc-datasets").put("executors", new JsonArray().add(new JsonObject()
            .put("executor", "panosc-dataset-audience").put("configuration", pdpConfig().put("prefix", "dataset:")
                .put("pdpUrl", dead + "/pdp").put("budgetMillis", "300")))))).encode()), 204);
    try {
      HttpResponse<String> atRefresh = refresh(refreshToken, "&resource=" + FederationBrowser.enc("dataset:"
          + XFEL_EMBARGOED));
      assertThat(atRefresh.statusCode()).as(atRefresh.body()).isEqualTo(503);
      JsonObject refreshError = new JsonObject(atRefresh.body());
      assertThat(refreshError.getString("error")).isEqualTo("temporarily_unavailable");
      assertThat(refreshError.getString("error_description"))
          .isEqualTo("Dataset access could not be checked; try again shortly.");

      // the code grant answers every client-policy refusal as invalid_grant, with the executor's description
      HttpResponse<String> atCode = tokenAt("portal", "bob", "openid", "&resource="
          + FederationBrowser.enc("dataset:" + XFEL_EMBARGOED));
      assertThat(atCode.statusCode()).as(atCode.body()).isEqualTo(400);
      JsonObject codeError = new JsonObject(atCode.body());
      assertThat(codeError.getString("error")).isEqualTo("invalid_grant");
      assertThat(codeError.getString("error_description"))
          .isEqualTo("Dataset access could not be checked; try again shortly.");
      // without a dataset the PDP is not needed
      assertThat(refresh(refreshToken, "").statusCode()).isEqualTo(200);
    } finally {
      expect(keycloak.admin("PUT", profiles, saved), 204);
    }
  }

  @Test
  void pdpOutageWhenFailOpenThenDatasetsUnavailableAndWhenFailClosedThenNoToken() {
    String dead = "http://127.0.0.1:" + Http.freePort();
    client("outage-open", pdpConfig().put("pdpUrl", dead + "/pdp").put("includeDatasets", "true")
        .put("failMode", "open").put("budgetMillis", "300"));
    client("outage-closed", pdpConfig().put("pdpUrl", dead + "/pdp").put("includeDatasets", "true")
        .put("failMode", "closed").put("budgetMillis", "300"));

    JsonObject open = claims(tokenAt("outage-open", "bob", "openid"));
    assertThat(open.getBoolean("datasets_unavailable")).as(open.encode()).isTrue();
    assertThat(open.containsKey("datasets")).isFalse();
    assertThat(open.getJsonArray("proposals")).isNotNull();

    HttpResponse<String> closed = tokenAt("outage-closed", "bob", "openid");
    assertThat(closed.statusCode()).as(closed.body()).isEqualTo(503);
    assertThat(new JsonObject(closed.body()).getString("error")).isEqualTo("temporarily_unavailable");
  }

  @Test
  void badConfigurationWhenSavedThenRefusedWithTheReason() {
    String mappers = "/realms/" + REALM + "/clients/" + portalId + "/protocol-mappers/models";
    Map<String, JsonObject> bad = Map.of(
        "failMode", pdpConfig().put("includeDatasets", "true").put("failMode", "sometimes"),
        "cacheTtlSeconds", pdpConfig().put("includeDatasets", "true").put("cacheTtlSeconds", "-5"),
        "pdpUrl", pdpConfig().put("includeDatasets", "true").put("pdpUrl", "ftp://pdp.example/pdp"),
        "budgetMillis", pdpConfig().put("includeDatasets", "true").put("budgetMillis", "soon"));
    bad.forEach((field, config) -> {
      HttpResponse<String> refused = keycloak.admin("POST", mappers, claimsMapper(config).encode());
      assertThat(refused.statusCode()).as(field + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.body()).as(field).contains(field);
    });

    HttpResponse<String> profile = keycloak.admin("PUT", "/realms/" + REALM + "/client-policies/profiles",
        new JsonObject().put("profiles", new JsonArray().add(new JsonObject().put("name", "broken")
            .put("executors", new JsonArray().add(new JsonObject().put("executor", "panosc-dataset-audience")
                .put("configuration", pdpConfig().put("pdpUrl", "not a url"))))))
            .encode());
    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(400);
  }

  @Test
  void browserLoginWhenTheRequestNamesADatasetThePdpDeniesThenAnErrorPageAndNoCode() {
    String start = kc + "/realms/" + REALM + "/protocol/openid-connect/auth?response_type=code&client_id=portal"
        + "&state=s1&scope=openid&kc_idp_hint=" + IDP + "&redirect_uri=" + FederationBrowser.enc(CALLBACK)
        + "&dataset=";
    HttpResponse<String> page = new FederationBrowser().walk(start + FederationBrowser.enc(ILL_EMBARGOED), base, "bob",
        CALLBACK);
    assertThat(page.statusCode()).as(page.body()).isEqualTo(403);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("You may not read dataset " + ILL_EMBARGOED)
        .doesNotContain("Exception");

    HttpResponse<String> allowed = new FederationBrowser().walk(start + FederationBrowser.enc(XFEL_EMBARGOED), base,
        "bob", CALLBACK);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(302);
    assertThat(allowed.headers().firstValue("Location").orElseThrow()).contains("code=");
  }
}
