package eu.panosc.aai;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token, introspection and revocation endpoints driven by a real OAuth client library (Nimbus
 * oauth2-oidc-sdk), tokens checked with the JDK's own ECDSA, and used against the registry's API.
 */
class TokenEndpointIT {
  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static URI tokenEndpoint;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of("services.aai.tokenRatePerSecond", "2",
        "services.aai.tokenBurst", "20"));
    base = platform.baseUrl().toString();
    tokenEndpoint = URI.create(base + "/aai/token");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static ClientAuthentication basic(String id, String secret) {
    return new ClientSecretBasic(new ClientID(id), new Secret(secret));
  }

  static TokenResponse token(ClientAuthentication auth, Scope scope) throws Exception {
    return TokenResponse.parse(new TokenRequest(tokenEndpoint, auth, new ClientCredentialsGrant(), scope)
        .toHTTPRequest().send());
  }

  static ErrorObject error(TokenResponse r) {
    assertThat(r.indicatesSuccess()).isFalse();
    return ((TokenErrorResponse) r).getErrorObject();
  }

  static HttpResponse<String> form(String path, String body, String basicAuth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (basicAuth != null) {
      b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(basicAuth.getBytes()));
    }
    return Http.send(b.build());
  }

  @Test
  void clientCredentialsWhenValidThenRfc9068TokenTheRegistryAccepts() throws Exception {
    TokenResponse r = token(basic("registry-admin", "registry-admin-demo-secret"), new Scope("registry:admin"));
    assertThat(r.indicatesSuccess()).as(String.valueOf(r.toHTTPResponse().getBody())).isTrue();
    var at = r.toSuccessResponse().getTokens().getAccessToken();
    assertThat(at.getScope().toStringList()).containsExactly("registry:admin");
    assertThat(at.getLifetime()).isEqualTo(300);

    JsonObject jwks = new JsonObject(Http.get(base + "/aai/jwks").body());
    JsonObject verified = JdkEs256.verify(at.getValue(), jwks);
    assertThat(verified.getJsonObject("header").getString("typ")).isEqualTo("at+jwt");
    JsonObject claims = verified.getJsonObject("claims");
    assertThat(claims.getString("iss")).isEqualTo(base + "/aai");
    assertThat(claims.getValue("aud").toString()).contains(base + "/registry");
    assertThat(claims.getString("client_id")).isEqualTo("registry-admin");
    assertThat(claims.getString("sub")).isEqualTo("registry-admin");
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(300);
    assertThat(claims.getString("jti")).isNotBlank();
    assertThat(jwks.encode()).doesNotContain("\"d\"");

    HttpResponse<String> facilities = Http.getAuthorized(base + "/registry/admin/v1/facilities", at.getValue());
    assertThat(facilities.statusCode()).as(facilities.body()).isEqualTo(200);
    assertThat(new JsonObject(facilities.body()).getJsonArray("items")).hasSize(6);

    TokenResponse post = token(basic("pdp-admin", "pdp-admin-demo-secret"), null);
    assertThat(post.indicatesSuccess()).isTrue();
    assertThat(post.toSuccessResponse().getTokens().getAccessToken().getScope().toStringList())
        .as("no scope requested: every service scope registered").containsExactlyInAnyOrder("pdp:admin", "pdp:evaluate",
            "pdp:simulate", "aai:resolve", "registry:read");
  }

  @Test
  void discoveryWhenFetchedThenDescribesWhatIsImplemented() {
    JsonObject meta = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());
    assertThat(meta.getString("issuer")).isEqualTo(base + "/aai");
    assertThat(meta.getString("token_endpoint")).isEqualTo(base + "/aai/token");
    assertThat(meta.getString("jwks_uri")).isEqualTo(base + "/aai/jwks");
    assertThat(meta.getJsonArray("grant_types_supported").getList()).contains("client_credentials");
    assertThat(new JsonObject(Http.get(base + "/aai/openapi.json").body()).getJsonObject("paths").fieldNames())
        .contains("/token", "/introspect", "/revoke", "/jwks", "/.well-known/openid-configuration");
    assertThat(Http.get(base + "/aai/.well-known/oauth-authorization-server").body()).isEqualTo(
        Http.get(base + "/aai/.well-known/openid-configuration").body());
  }

  @Test
  void tokenWhenClientCredentialsWrongThenInvalidClientWithChallenge() throws Exception {
    var raw = new TokenRequest(tokenEndpoint, basic("registry-admin", "not-the-secret"), new ClientCredentialsGrant(),
        new Scope("registry:admin")).toHTTPRequest().send();
    assertThat(raw.getStatusCode()).isEqualTo(401);
    assertThat(raw.getHeaderValue("WWW-Authenticate")).startsWith("Basic");
    TokenResponse wrong = TokenResponse.parse(raw);
    assertThat(error(wrong).getCode()).isEqualTo("invalid_client");
    TokenResponse unknown = token(basic("nobody", "x"), null);
    assertThat(error(unknown).getCode()).isEqualTo("invalid_client");
    assertThat(error(unknown).getDescription()).isEqualTo(error(wrong).getDescription());
    assertThat(error(token(basic("panosc-cli", ""), null)).getCode()).as("a public client has no secret")
        .isEqualTo("invalid_client");
    assertThat(form("/aai/token", "grant_type=client_credentials", null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrongMethod = form("/aai/token", "grant_type=client_credentials&client_id=registry-admin"
        + "&client_secret=registry-admin-demo-secret", null);
    assertThat(new JsonObject(wrongMethod.body()).getString("error")).as("registered for client_secret_basic")
        .isEqualTo("invalid_client");
  }

  @Test
  void tokenWhenRequestMalformedThenRfc6749Errors() throws Exception {
    String auth = "registry-admin:registry-admin-demo-secret";
    assertThat(new JsonObject(form("/aai/token", "scope=registry:admin", auth).body()).getString("error"))
        .isEqualTo("invalid_request");
    HttpResponse<String> both = form("/aai/token", "grant_type=client_credentials&client_id=registry-admin"
        + "&client_secret=registry-admin-demo-secret", auth);
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(both.body()).getString("error")).isEqualTo("invalid_request");
    HttpResponse<String> repeated = form("/aai/token", "grant_type=client_credentials&scope=a&scope=b", auth);
    assertThat(new JsonObject(repeated.body()).getString("error_description")).contains("repeated");
    HttpResponse<String> repeatedOtherCase = form("/aai/token", "grant_type=client_credentials&scope=registry:admin"
        + "&Scope=registry:admin", auth);
    assertThat(repeatedOtherCase.statusCode()).as("parameter names are compared case-insensitively").isEqualTo(400);
    assertThat(new JsonObject(repeatedOtherCase.body()).getString("error_description"))
        .isEqualTo("parameter scope is repeated");
    HttpResponse<String> password = form("/aai/token", "grant_type=password&username=a&password=b", auth);
    assertThat(new JsonObject(password.body()).getString("error")).isEqualTo("unsupported_grant_type");
    HttpResponse<String> json = Http.send(HttpRequest.newBuilder(tokenEndpoint).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build());
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(json.body()).getString("error")).isEqualTo("invalid_request");
    assertThat(json.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(error(token(basic("registry-admin", "registry-admin-demo-secret"), new Scope("pdp:evaluate")))
        .getCode()).isEqualTo("invalid_scope");
    assertThat(error(token(basic("jupyterhub-eosc", "jupyterhub-eosc-demo-secret"), null)).getCode())
        .as("registered without client_credentials").isEqualTo("unauthorized_client");
    HttpResponse<String> target = form("/aai/token", "grant_type=client_credentials&scope=registry:admin"
        + "&resource=https://elsewhere.example", auth);
    assertThat(new JsonObject(target.body()).getString("error")).isEqualTo("invalid_target");
  }

  @Test
  void introspectionAndRevocationWhenUsedThenActiveUntilRevokedByItsOwnClient() throws Exception {
    var at = token(basic("resource-broker", "resource-broker-demo-secret"), new Scope("pdp:evaluate"))
        .toSuccessResponse().getTokens().getAccessToken();
    URI introspect = URI.create(base + "/aai/introspect");
    var caller = basic("pdp-admin", "pdp-admin-demo-secret");
    TokenIntrospectionResponse active = TokenIntrospectionResponse.parse(
        new TokenIntrospectionRequest(introspect, caller, at).toHTTPRequest().send());
    assertThat(active.toSuccessResponse().isActive()).isTrue();
    assertThat(active.toSuccessResponse().getClientID().getValue()).isEqualTo("resource-broker");
    assertThat(active.toSuccessResponse().getScope().toStringList()).containsExactly("pdp:evaluate");
    assertThat(active.toSuccessResponse().getExpirationTime().toInstant()).isAfter(Instant.now());

    assertThat(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(introspect, caller,
        new BearerAccessToken("garbage.token.value")).toHTTPRequest().send()).toSuccessResponse().isActive()).isFalse();
    assertThat(form("/aai/introspect", "token=" + at.getValue(), null).statusCode()).isEqualTo(401);

    URI revoke = URI.create(base + "/aai/revoke");
    var other = new TokenRevocationRequest(revoke, caller, at).toHTTPRequest().send();
    assertThat(other.getStatusCode()).as("another client may not revoke it").isEqualTo(400);
    var own = new TokenRevocationRequest(revoke, basic("resource-broker", "resource-broker-demo-secret"), at)
        .toHTTPRequest().send();
    assertThat(own.getStatusCode()).isEqualTo(200);
    assertThat(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(introspect, caller, at)
        .toHTTPRequest().send()).toSuccessResponse().isActive()).isFalse();
    assertThat(new TokenRevocationRequest(revoke, basic("resource-broker", "resource-broker-demo-secret"),
        new BearerAccessToken("not-a-token")).toHTTPRequest().send().getStatusCode()).isEqualTo(200);
  }

  @Test
  void revokeWhenTheRevocationCannotBeStoredThen503ToRetryAndTheTokenStaysActiveUntilARetrySucceeds()
      throws Exception {
    var auth = basic("resource-broker", "resource-broker-demo-secret");
    var at = token(auth, new Scope("pdp:evaluate")).toSuccessResponse().getTokens().getAccessToken();
    URI introspect = URI.create(base + "/aai/introspect");
    var caller = basic("pdp-admin", "pdp-admin-demo-secret");
    URI revoke = URI.create(base + "/aai/revoke");
    var sql = platform.database().pool(platform.vertx(), "aai");
    try {
      sql.query("CREATE OR REPLACE FUNCTION test_refuse_revocation() RETURNS trigger LANGUAGE plpgsql AS $$"
          + " BEGIN RAISE EXCEPTION 'injected failure'; END $$").execute().await();
      sql.query("CREATE TRIGGER test_refuse_revocation BEFORE INSERT ON revoked_token FOR EACH ROW"
          + " EXECUTE FUNCTION test_refuse_revocation()").execute().await();
      var refused = new TokenRevocationRequest(revoke, auth, at).toHTTPRequest().send();

      assertThat(refused.getStatusCode()).as("RFC 7009 §2.2.1: the client may retry").isEqualTo(503);
      assertThat(refused.getHeaderValue("Retry-After")).isNotBlank();
      assertThat(new JsonObject(refused.getBody()).getString("error")).isEqualTo("temporarily_unavailable");
      assertThat(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(introspect, caller, at)
          .toHTTPRequest().send()).toSuccessResponse().isActive()).as("no false success").isTrue();
    } finally {
      sql.query("DROP TRIGGER IF EXISTS test_refuse_revocation ON revoked_token").execute().await();
      sql.close().await();
    }

    assertThat(new TokenRevocationRequest(revoke, auth, at).toHTTPRequest().send().getStatusCode()).isEqualTo(200);
    assertThat(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(introspect, caller, at)
        .toHTTPRequest().send()).toSuccessResponse().isActive()).isFalse();
  }

  @Test
  void tokenWhenOneClientFloodsThen429ForItOnly() throws Exception {
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> r = form("/aai/token", "grant_type=client_credentials",
          "eosc-accounting:eosc-accounting-demo-secret");
      if (r.statusCode() == 429) {
        limited++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("temporarily_unavailable");
      }
    }
    assertThat(limited).isGreaterThan(0);
    assertThat(token(basic("icat-ill", "icat-ill-demo-secret"), null).indicatesSuccess())
        .as("other clients are unaffected").isTrue();
  }

  @Test
  void parWhenOneClientFloodsThen429LikeTheTokenEndpoint() {
    // panosc-cli (public) is used by no other test of this class that gets past authentication
    String push = "client_id=panosc-cli&response_type=code&scope=openid&redirect_uri="
        + java.net.URLEncoder.encode("http://127.0.0.1/callback", java.nio.charset.StandardCharsets.UTF_8)
        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
    int created = 0;
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> r = form("/aai/par", push, null);
      if (r.statusCode() == 201) {
        created++;
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("temporarily_unavailable");
        limited++;
      }
    }
    assertThat(created).as("the burst is served").isGreaterThan(0);
    assertThat(limited).as("then the client is held to its rate").isGreaterThan(0);
  }

  @Test
  void tokenWhenClientSuspendedThenRefusedWithinSeconds() throws Exception {
    String admin = token(basic("registry-admin", "registry-admin-demo-secret"), new Scope("registry:admin"))
        .toSuccessResponse().getTokens().getAccessToken().getValue();
    assertThat(token(basic("scicat-esrf", "scicat-esrf-demo-secret"), new Scope("pdp:evaluate")).indicatesSuccess())
        .isTrue();
    Http.sendJson("POST", base + "/registry/admin/v1/clients/scicat-esrf/suspend", admin, null);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(error(token(basic("scicat-esrf", "scicat-esrf-demo-secret"), new Scope("pdp:evaluate"))).getCode())
            .isEqualTo("invalid_client"));
    Http.sendJson("POST", base + "/registry/admin/v1/clients/scicat-esrf/approve", admin, null);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(token(basic("scicat-esrf", "scicat-esrf-demo-secret"), new Scope("pdp:evaluate")).indicatesSuccess())
            .isTrue());
  }
}
