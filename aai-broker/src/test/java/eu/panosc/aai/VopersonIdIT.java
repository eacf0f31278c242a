package eu.panosc.aai;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code voperson_id} is released only to clients of a facility whose registry entry says
 * {@code releaseVopersonId: true}, in the access token and at userinfo; userinfo follows a policy change at once.
 */
class VopersonIdIT {
  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static String admin;
  static final Map<String, String> secrets = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString();
    admin = clientCredentials("registry-admin", "registry-admin-demo-secret", "registry:admin");
    facility("psi", true);
    facility("alba", false);
    client("psi-portal", "psi");
    client("alba-portal", "alba");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static void facility(String id, Boolean release) {
    JsonObject f = new JsonObject().put("id", id).put("name", "Facility " + id).put("country", "CH");
    if (release) {
      f.put("releaseVopersonId", true);
    }
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/facilities", admin, f.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(new JsonObject(created.body()).getBoolean("releaseVopersonId")).isEqualTo(release);
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/facilities/" + id + "/approve", admin, null)
        .statusCode()).isEqualTo(200);
  }

  static void client(String id, String facility) {
    JsonObject c = new JsonObject().put("clientId", id).put("facility", facility).put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code"))
        .put("redirectUris", new JsonArray().add("http://localhost:9/cb/" + id))
        .put("scopes", new JsonArray().add("openid").add("profile"));
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, c.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    secrets.put(id, new JsonObject(created.body()).getString("clientSecret"));
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/clients/" + id + "/approve", admin, null)
        .statusCode()).isEqualTo(200);
  }

  static String clientCredentials(String id, String secret, String scope) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID(id), new Secret(secret)), new ClientCredentialsGrant(), new Scope(scope))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  /** alice signs in to {@code client} in a fresh browser; the access token. */
  static String aliceToken(String client, String secret) throws Exception {
    return aliceToken(client, secret, URI.create("http://localhost:9/cb/" + client));
  }

  static String aliceToken(String client, String secret, URI redirect) throws Exception {
    Browser browser = new Browser();
    URI request = new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse("openid profile"),
        new ClientID(client), redirect).endpointURI(URI.create(base + "/aai/authorize")).state(new State()).build()
        .toURI();
    HttpResponse<String> page = browser.login(base, browser.get(request.toString()), "alice", "alice-demo-pw");
    if (page.statusCode() == 200) {
      page = browser.consent(base, page, true);
    }
    var code = AuthorizationResponse.parse(URI.create(Browser.location(page))).toSuccessResponse()
        .getAuthorizationCode();
    TokenResponse r = OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID(client), new Secret(secret)), new AuthorizationCodeGrant(code, redirect))
        .toHTTPRequest().send());
    assertThat(r.indicatesSuccess()).isTrue();
    return ((OIDCTokenResponse) r.toSuccessResponse()).getOIDCTokens().getAccessToken().getValue();
  }

  static JsonObject userinfo(String token) {
    HttpResponse<String> r = Http.getAuthorized(base + "/aai/userinfo", token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  @Test
  void vopersonIdWhenFacilityAllowsThenInTokenAndUserinfoElseNowhere() throws Exception {
    String psi = aliceToken("psi-portal", secrets.get("psi-portal"));
    assertThat(SignedJWT.parse(psi).getJWTClaimsSet().getStringClaim("voperson_id")).isEqualTo("alice@demo.panosc.eu");
    assertThat(userinfo(psi).getString("voperson_id")).isEqualTo("alice@demo.panosc.eu");

    String alba = aliceToken("alba-portal", secrets.get("alba-portal"));
    assertThat(SignedJWT.parse(alba).getJWTClaimsSet().getClaim("voperson_id")).as("releaseVopersonId false").isNull();
    assertThat(userinfo(alba).containsKey("voperson_id")).isFalse();
    // a demo facility that says nothing about it, and a client of no facility: not released
    String esrf = aliceToken("scicat-esrf", "scicat-esrf-demo-secret",
        URI.create("http://localhost:3000/auth/callback"));
    assertThat(SignedJWT.parse(esrf).getJWTClaimsSet().getClaim("voperson_id")).isNull();
    assertThat(userinfo(esrf).containsKey("voperson_id")).isFalse();
    String eosc = aliceToken("jupyterhub-eosc", "jupyterhub-eosc-demo-secret",
        URI.create("http://localhost:8000/hub/oauth_callback"));
    assertThat(SignedJWT.parse(eosc).getJWTClaimsSet().getClaim("voperson_id")).isNull();
    assertThat(userinfo(eosc).containsKey("voperson_id")).isFalse();
    assertThat(new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body())
        .getJsonArray("claims_supported").getList()).contains("voperson_id");
  }

  @Test
  void vopersonIdWhenFacilityWithdrawsPermissionThenUserinfoStopsAndNewTokensLackIt() throws Exception {
    facility("ess2", true);
    client("ess2-portal", "ess2");
    String before = aliceToken("ess2-portal", secrets.get("ess2-portal"));
    assertThat(userinfo(before).getString("voperson_id")).isEqualTo("alice@demo.panosc.eu");
    HttpResponse<String> current = Http.getAuthorized(base + "/registry/admin/v1/facilities/ess2", admin);
    String etag = current.headers().firstValue("ETag").orElseThrow();
    JsonObject withdrawn = new JsonObject().put("id", "ess2").put("name", "Facility ess2").put("country", "CH")
        .put("releaseVopersonId", false);
    HttpResponse<String> put = Http.send(Http.authorized(base + "/registry/admin/v1/facilities/ess2", admin)
        .header("Content-Type", "application/json").header("If-Match", etag)
        .PUT(HttpRequest.BodyPublishers.ofString(withdrawn.encode())).build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    // the registry's change feed reaches the provider within about a second
    await().atMost(Duration.ofSeconds(20)).until(() -> !userinfo(before).containsKey("voperson_id"));
    String after = aliceToken("ess2-portal", secrets.get("ess2-portal"));
    assertThat(SignedJWT.parse(after).getJWTClaimsSet().getClaim("voperson_id")).isNull();
  }

  @Test
  void facilityWhenReleaseFlagNotBooleanThenRejected() {
    JsonObject f = new JsonObject().put("id", "ill9").put("name", "x").put("country", "FR")
        .put("releaseVopersonId", "yes");
    HttpResponse<String> r = Http.sendJson("POST", base + "/registry/admin/v1/facilities", admin, f.encode());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("/releaseVopersonId");
  }
}
