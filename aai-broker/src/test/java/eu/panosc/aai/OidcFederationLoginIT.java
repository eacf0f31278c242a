package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.federation.trust.Federation;
import eu.panosc.aai.federation.trust.Federation.Entity;
import eu.panosc.platform.service.Platform;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream OPs trusted through OpenID Federation 1.0: configured by entity identifier and trust anchor only, their
 * metadata taken from the trust chain with the metadata policy applied. No real federation can run here, so one in-test
 * HTTP server stands in for all of it: a trust anchor ({@code /ta}), an intermediate ({@code /int}) and two OPs
 * ({@code /op}, and {@code /op-forged} whose configuration is signed by a key the intermediate does not vouch for),
 * each with its entity configuration at {@code <id>/.well-known/openid-federation} and the superiors' fetch endpoints.
 * The good OP's own metadata names a token endpoint that does not exist; the trust anchor's policy pins the real one
 * ({@code value}), so signing in works only when the policy is applied. A broken chain makes its upstream unavailable
 * (the 503 page, no redirect to the OP).
 */
class OidcFederationLoginIT {
  private static final String REDIRECT = "http://localhost:3000/auth/callback";
  private static final RSAKey OP_KEY = SignInSteps.rsaKey("fed-op-1");

  @TempDir
  static Path dataDir;
  static Vertx vertx;
  static HttpServer server;
  static String root;
  static Platform platform;
  static String base;
  static final Federation federation = new Federation();
  static final Map<String, String[]> codes = new ConcurrentHashMap<>();
  static final AtomicInteger realTokenCalls = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(OidcFederationLoginIT::handle).listen(0, "127.0.0.1").await();
    root = "http://127.0.0.1:" + server.actualPort();
    Entity ta = Federation.entity(root + "/ta");
    Entity intermediate = Federation.entity(root + "/int");
    Entity op = Federation.entity(root + "/op");
    Entity forgedOp = Federation.entity(root + "/op-forged");
    Entity vouched = Federation.entity(root + "/op-forged");
    Entity manualOp = Federation.entity(root + "/op-manual");
    federation.configuration(ta, List.of(), Federation.superiorMetadata(ta.id()), 86400);
    federation.configuration(intermediate, List.of(ta.id()), Federation.superiorMetadata(intermediate.id()), 86400);
    federation.configuration(op, List.of(intermediate.id()), opMetadata(op.id()), 86400);
    federation.configuration(forgedOp, List.of(intermediate.id()), opMetadata(forgedOp.id()), 86400);
    JsonObject manual = opMetadata(manualOp.id());
    manual.getJsonObject("openid_provider").remove("client_registration_types_supported");
    federation.configuration(manualOp, List.of(intermediate.id()), manual, 86400);
    federation.statement(intermediate, manualOp.id(), manualOp.publicJwks(), null, 86400);
    federation.statement(ta, intermediate.id(), intermediate.publicJwks(), new JsonObject().put("openid_provider",
        new JsonObject().put("token_endpoint", new JsonObject().put("value", op.id() + "/token"))
            .put("jwks_uri", new JsonObject().put("essential", true))), 86400);
    federation.statement(intermediate, op.id(), op.publicJwks(), null, 86400);
    federation.statement(intermediate, forgedOp.id(), vouched.publicJwks(), null, 86400);

    Map<String, String> config = new HashMap<>();
    config.put("services.aai.upstreams.fedop.oidc.issuer", op.id());
    config.put("services.aai.upstreams.fedop.oidc.trustAnchor", ta.id());
    config.put("services.aai.upstreams.fedop.oidc.displayName", "Federated OP");
    config.put("services.aai.upstreams.fedop.oidc.clientId", "broker");
    config.put("services.aai.upstreams.fedop.oidc.clientSecret", "broker-secret");
    config.put("services.aai.upstreams.fedop.oidc.clientAuth", "client_secret_post");
    config.put("services.aai.upstreams.fedop.attributes.userId", "sub");
    config.put("services.aai.upstreams.fedop-forged.oidc.issuer", forgedOp.id());
    config.put("services.aai.upstreams.fedop-forged.oidc.trustAnchor", ta.id());
    config.put("services.aai.upstreams.fedop-forged.oidc.displayName", "Forged OP");
    config.put("services.aai.upstreams.fedop-forged.oidc.clientId", "broker");
    config.put("services.aai.upstreams.fedop-forged.oidc.clientSecret", "broker-secret");
    config.put("services.aai.upstreams.fedop-forged.attributes.userId", "sub");
    // the right OP, but a trust anchor it has no path to
    config.put("services.aai.upstreams.fedop-elsewhere.oidc.issuer", op.id());
    config.put("services.aai.upstreams.fedop-elsewhere.oidc.trustAnchor", root + "/other-ta");
    config.put("services.aai.upstreams.fedop-elsewhere.oidc.displayName", "Elsewhere OP");
    config.put("services.aai.upstreams.fedop-elsewhere.oidc.clientId", "broker");
    config.put("services.aai.upstreams.fedop-elsewhere.oidc.clientSecret", "broker-secret");
    config.put("services.aai.upstreams.fedop-elsewhere.attributes.userId", "sub");
    // automatic registration: no client id, no secret; the broker's Entity Identifier is its client id at the OP
    config.put("services.aai.upstreams.fedop-auto.oidc.issuer", op.id());
    config.put("services.aai.upstreams.fedop-auto.oidc.trustAnchor", ta.id());
    config.put("services.aai.upstreams.fedop-auto.oidc.registration", "automatic");
    config.put("services.aai.upstreams.fedop-auto.oidc.displayName", "Federated OP (automatic)");
    config.put("services.aai.upstreams.fedop-auto.attributes.userId", "sub");
    config.put("services.aai.upstreams.fedop-manual.oidc.issuer", manualOp.id());
    config.put("services.aai.upstreams.fedop-manual.oidc.trustAnchor", ta.id());
    config.put("services.aai.upstreams.fedop-manual.oidc.registration", "automatic");
    config.put("services.aai.upstreams.fedop-manual.oidc.displayName", "Manual-only OP");
    config.put("services.aai.upstreams.fedop-manual.attributes.userId", "sub");
    platform = AaiPlatform.start(dataDir.resolve("var"), true, config);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  /** The OP's own metadata: a token endpoint that answers 404 (the anchor's policy replaces it). */
  private static JsonObject opMetadata(String id) {
    return new JsonObject().put("openid_provider", new JsonObject().put("issuer", id)
        .put("authorization_endpoint", id + "/auth").put("token_endpoint", id + "/token-gone")
        .put("jwks_uri", id + "/jwks").put("scopes_supported", new JsonArray().add("openid"))
        .put("client_registration_types_supported", new JsonArray().add("automatic")));
  }

  @AfterAll
  static void stop() throws Exception {
    SignInSteps.stop(platform, vertx);
  }

  private static void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.endsWith("/.well-known/openid-federation")) {
      String ec = federation.configurations.get(root + path.substring(0, path.length()
          - "/.well-known/openid-federation".length()));
      statement(req, ec);
      return;
    }
    if (path.endsWith("/fetch")) {
      statement(req, federation.statements.get(root + path.substring(0, path.length() - "/fetch".length()) + "|"
          + req.getParam("sub")));
      return;
    }
    switch (path) {
      case "/op/jwks" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject(new JWKSet(OP_KEY.toPublicJWK()).toJSONObject()).encode());
      case "/op/auth" -> {
        if (req.getParam("request") != null) {
          String clientId = req.getParam("client_id");
          String requestObject = req.getParam("request");
          vertx.executeBlocking(() -> automaticRegistration(clientId, requestObject), false).onComplete(ar -> {
            if (ar.failed()) {
              lastRefusal.set(ar.cause().getMessage());
              req.response().setStatusCode(400).end("refused: " + ar.cause().getMessage());
              return;
            }
            JWTClaimsSet r = ar.result();
            String code = "code-" + java.util.UUID.randomUUID();
            codes.put(code, new String[] {String.valueOf(r.getClaim("nonce")), clientId});
            req.response().setStatusCode(302).putHeader("Location", r.getClaim("redirect_uri") + "?code=" + code
                + "&state=" + r.getClaim("state")).end();
          });
          return;
        }
        String code = "code-" + java.util.UUID.randomUUID();
        codes.put(code, new String[] {req.getParam("nonce"), req.getParam("client_id")});
        req.response().setStatusCode(302).putHeader("Location", req.getParam("redirect_uri") + "?code=" + code
            + "&state=" + req.getParam("state")).end();
      }
      case "/op/token" -> req.body().onSuccess(body -> {
        Map<String, String> form = new HashMap<>();
        for (String p : body.toString().split("&")) {
          String[] kv = p.split("=", 2);
          form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1
              ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        String[] seen = codes.remove(form.get("code"));
        boolean authenticated = seen != null && (seen[1].equals(form.get("client_id"))
            && "broker-secret".equals(form.get("client_secret"))
            || form.get("client_assertion") != null && assertionValid(form.get("client_assertion"), seen[1]));
        if (!authenticated) {
          req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("error", "invalid_grant").encode());
          return;
        }
        realTokenCalls.incrementAndGet();
        Instant now = Instant.now();
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(root + "/op").subject("fed-user-1").audience(seen[1])
            .claim("nonce", seen[0]).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
            .claim("name", "Federated Person").build();
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("access_token", "opaque-at").put("token_type", "Bearer").put("id_token", sign(c)).encode());
      });
      case "/op/userinfo" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("sub", "fed-user-1").encode());
      default -> req.response().setStatusCode(404).end();
    }
  }

  static final java.util.concurrent.atomic.AtomicReference<String> lastRefusal = new java.util.concurrent.atomic
      .AtomicReference<>();
  static final java.util.concurrent.atomic.AtomicReference<String> registeredClient = new java.util.concurrent
      .atomic.AtomicReference<>();

  /**
   * What the stand-in OP checks of an automatic registration (a simplified RP resolution: the broker's self-signed
   * entity configuration and its {@code openid_relying_party} metadata, not its chain to the anchor): the request
   * object's {@code iss} and {@code client_id} are the query's {@code client_id}, {@code aud} this OP, not expired,
   * signed by a key at the metadata's {@code jwks_uri}; its {@code redirect_uri} among the registered ones.
   */
  private static JWTClaimsSet automaticRegistration(String clientId, String requestObject) throws Exception {
    String ecJwt = eu.panosc.platform.testing.Http.get(clientId + "/.well-known/openid-federation").body();
    SignedJWT ec = SignedJWT.parse(ecJwt);
    JWKSet fedKeys = JWKSet.parse(((Map<?, ?>) ec.getJWTClaimsSet().getClaim("jwks")).entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(e -> (String) e.getKey(), e -> (Object) e.getValue())));
    if (!ec.verify(new com.nimbusds.jose.crypto.ECDSAVerifier((com.nimbusds.jose.jwk.ECKey) fedKeys.getKeyByKeyId(
        ec.getHeader().getKeyID())))) {
      throw new IllegalStateException("the RP's entity configuration is not self-signed");
    }
    JsonObject rp = new JsonObject(ec.getJWTClaimsSet().toString()).getJsonObject("metadata")
        .getJsonObject("openid_relying_party");
    if (rp == null || !rp.getJsonArray("client_registration_types").contains("automatic")) {
      throw new IllegalStateException("no openid_relying_party metadata for automatic registration");
    }
    SignedJWT request = SignedJWT.parse(requestObject);
    JWKSet rpKeys = JWKSet.parse(eu.panosc.platform.testing.Http.get(rp.getString("jwks_uri")).body());
    com.nimbusds.jose.jwk.RSAKey key = (com.nimbusds.jose.jwk.RSAKey) rpKeys.getKeyByKeyId(
        request.getHeader().getKeyID());
    JWTClaimsSet c = request.getJWTClaimsSet();
    if (key == null || !request.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(key))
        || !clientId.equals(c.getIssuer()) || !clientId.equals(c.getClaim("client_id"))
        || !c.getAudience().contains(root + "/op") || c.getExpirationTime().toInstant().isBefore(Instant.now())
        || c.getJWTID() == null || !"S256".equals(c.getClaim("code_challenge_method"))
        || !rp.getJsonArray("redirect_uris").contains(c.getClaim("redirect_uri"))) {
      throw new IllegalStateException("request object not acceptable");
    }
    registeredClient.set(clientId);
    return c;
  }

  /** A private_key_jwt assertion of {@code clientId}, by a key at its registered jwks_uri. */
  private static boolean assertionValid(String assertion, String clientId) {
    try {
      SignedJWT jwt = SignedJWT.parse(assertion);
      JWKSet keys = JWKSet.parse(eu.panosc.platform.testing.Http.get(base + "/aai/jwks").body());
      com.nimbusds.jose.jwk.RSAKey key = (com.nimbusds.jose.jwk.RSAKey) keys.getKeyByKeyId(
          jwt.getHeader().getKeyID());
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      return key != null && jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(key))
          && clientId.equals(c.getIssuer()) && clientId.equals(c.getSubject())
          && c.getAudience().contains(root + "/op/token");
    } catch (Exception e) {
      return false;
    }
  }

  private static void statement(HttpServerRequest req, String jwt) {
    if (jwt == null) {
      req.response().setStatusCode(404).end();
    } else {
      req.response().putHeader("Content-Type", "application/entity-statement+jwt").end(jwt);
    }
  }

  private static String sign(JWTClaimsSet c) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(OP_KEY.getKeyID())
          .type(JOSEObjectType.JWT).build(), c);
      jwt.sign(new RSASSASigner(OP_KEY));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String link(Browser browser, String upstream) {
    HttpResponse<String> page = browser.get(base + "/aai/authorize?response_type=code&scope=openid"
        + "&client_id=scicat-esrf&state=s&redirect_uri=" + Browser.enc(REDIRECT));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    Matcher m = Pattern.compile("href=\"(oidc/login\\?req=[^\"]+&amp;upstream=" + upstream + ")\"")
        .matcher(page.body());
    assertThat(m.find()).as(page.body()).isTrue();
    return base + "/aai/" + m.group(1).replace("&amp;", "&");
  }

  @Test
  void signInWhenTheChainHoldsThenTheOpsMetadataComesFromItWithThePolicyApplied() {
    Browser browser = new Browser();
    HttpResponse<String> toOp = browser.get(link(browser, "fedop"));
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    assertThat(Browser.location(toOp)).startsWith(root + "/op/auth?");
    HttpResponse<String> atOp = browser.get(Browser.location(toOp));

    HttpResponse<String> page = browser.get(Browser.location(atOp));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("action=\"../register\"").contains("Federated Person");
    // the OP's own token_endpoint (/op/token-gone) was replaced by the anchor's value policy
    assertThat(realTokenCalls.get()).isPositive();
  }

  @Test
  void signInWhenTheOpsConfigurationIsNotVouchedForThenUnavailablePageAndNoRedirect() {
    Browser browser = new Browser();

    HttpResponse<String> start = browser.get(link(browser, "fedop-forged"));

    assertThat(start.statusCode()).as(start.body()).isEqualTo(503);
    assertThat(start.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(start.body()).contains("Sign-in through Forged OP unavailable").doesNotContain("Exception");
    assertThat(start.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void signInWhenNoPathLeadsToTheConfiguredAnchorThenUnavailablePage() {
    Browser browser = new Browser();

    HttpResponse<String> start = browser.get(link(browser, "fedop-elsewhere"));

    assertThat(start.statusCode()).as(start.body()).isEqualTo(503);
    assertThat(start.body()).contains("Sign-in through Elsewhere OP unavailable");
  }

  @Test
  void signInWhenAutomaticRegistrationThenASignedRequestObjectWithTheBrokersEntityIdAndItsRpMetadataPublished() {
    JsonObject rpMetadata = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(
        eu.panosc.platform.testing.Http.get(base + "/aai/.well-known/openid-federation").body().split("\\.")[1]),
        StandardCharsets.UTF_8)).getJsonObject("metadata").getJsonObject("openid_relying_party");
    assertThat(rpMetadata.getJsonArray("client_registration_types")).containsExactly("automatic");
    assertThat(rpMetadata.getJsonArray("redirect_uris")).containsExactly(base + "/aai/oidc/callback");
    assertThat(rpMetadata.getString("token_endpoint_auth_method")).isEqualTo("private_key_jwt");
    Browser browser = new Browser();
    HttpResponse<String> toOp = browser.get(link(browser, "fedop-auto"));
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    assertThat(Browser.location(toOp)).startsWith(root + "/op/auth?").contains("request=")
        .contains("client_id=" + Browser.enc(base + "/aai")).doesNotContain("nonce=");
    HttpResponse<String> atOp = browser.get(Browser.location(toOp));
    assertThat(atOp.statusCode()).as(atOp.body() + " " + lastRefusal.get()).isEqualTo(302);

    HttpResponse<String> page = browser.get(Browser.location(atOp));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("action=\"../register\"").contains("Federated Person");
    assertThat(registeredClient.get()).isEqualTo(base + "/aai");
  }

  @Test
  void signInWhenAutomaticRegistrationButTheOpDoesNotOfferItThenUnavailablePage() {
    Browser browser = new Browser();

    HttpResponse<String> start = browser.get(link(browser, "fedop-manual"));

    assertThat(start.statusCode()).as(start.body()).isEqualTo(503);
    assertThat(start.body()).contains("Sign-in through Manual-only OP unavailable");
  }

  @Test
  void signInWhenARegistryOpNamesATrustAnchorThenItsMetadataComesFromTheChainToo() throws Exception {
    String admin = com.nimbusds.oauth2.sdk.TokenResponse.parse(new com.nimbusds.oauth2.sdk.TokenRequest(
        java.net.URI.create(base + "/aai/token"), new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(
            new com.nimbusds.oauth2.sdk.id.ClientID("registry-admin"), new com.nimbusds.oauth2.sdk.auth.Secret(
                "registry-admin-demo-secret")), new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(),
        new com.nimbusds.oauth2.sdk.Scope("registry:admin")).toHTTPRequest().send()).toSuccessResponse().getTokens()
        .getAccessToken().getValue();
    JsonObject idp = new JsonObject().put("id", "fedreg").put("protocol", "oidc").put("issuer", root + "/op")
        .put("displayName", "Federated OP from the registry").put("clientId", "broker-reg")
        .put("trustAnchor", root + "/ta");
    HttpResponse<String> created = eu.panosc.platform.testing.Http.sendJson("POST", base
        + "/registry/admin/v1/upstream-idps", admin, idp.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(eu.panosc.platform.testing.Http.sendJson("POST", base + "/registry/admin/v1/upstream-idps/fedreg"
        + "/approve", admin, null).statusCode()).isEqualTo(200);
    Browser browser = new Browser();
    String start = null;
    for (int i = 0; i < 150 && start == null; i++) {
      HttpResponse<String> page = browser.get(base + "/aai/authorize?response_type=code&scope=openid"
          + "&client_id=scicat-esrf&state=s&redirect_uri=" + Browser.enc(REDIRECT));
      Matcher m = Pattern.compile("href=\"(oidc/login\\?req=[^\"]+&amp;upstream=fedreg)\"").matcher(page.body());
      if (m.find()) {
        start = base + "/aai/" + m.group(1).replace("&amp;", "&");
      } else {
        Thread.sleep(200);
      }
    }
    assertThat(start).as("the registry's OP never listed").isNotNull();

    HttpResponse<String> toOp = browser.get(start);
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    HttpResponse<String> page = browser.get(Browser.location(browser.get(Browser.location(toOp))));

    // private_key_jwt (no credentialsRef) at the token endpoint the anchor's policy pins
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("action=\"../register\"");
  }
}
