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
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenID providers added in the federation-registry ({@code upstream-idps} of protocol {@code oidc} with the broker's
 * {@code clientId}) become sign-in upstreams of the broker with no broker configuration for them: listed on the sign-in
 * page, signed in through with the client secret the broker finds under the member's {@code credentialsRef} (a file in
 * {@code registryUpstreams.credentialsDirectory}; the registry never holds it), and refused, at the start and at the
 * callback of a sign-in already under way, once the member is suspended. The OP is a small in-test stand-in (a Vert.x
 * server with discovery, authorization, token, userinfo and JWKS endpoints) checking {@code client_secret_basic}; the
 * registry and the broker run for real in one process on embedded PostgreSQL.
 */
class OidcRegistryUpstreamIT {
  private static final String REDIRECT = "http://localhost:3000/auth/callback";
  private static final RSAKey KEY = SignInSteps.rsaKey("reg-op-1");

  @TempDir
  static Path dataDir;
  static Vertx vertx;
  static HttpServer op;
  static String issuer;
  static Platform platform;
  static String base;
  static String admin;
  /** code to (nonce, client id) of the authorization requests the stand-in answered. */
  static final Map<String, String[]> codes = new ConcurrentHashMap<>();
  /** Codes the stand-in's token endpoint redeemed. */
  static final Set<String> redeemed = ConcurrentHashMap.newKeySet();
  /** The Basic credentials last presented at the token endpoint (decoded). */
  static volatile String lastBasic;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    op = vertx.createHttpServer().requestHandler(OidcRegistryUpstreamIT::handle).listen(0, "127.0.0.1").await();
    issuer = "http://127.0.0.1:" + op.actualPort();
    Path secrets = dataDir.resolve("upstream-secrets");
    Files.createDirectories(secrets.resolve("partner-op"));
    Files.writeString(secrets.resolve("partner-op").resolve("clientSecret"), "partner-secret\n");
    platform = AaiPlatform.start(dataDir.resolve("var"), true, Map.of(
        "services.aai.registryUpstreams.credentialsDirectory", secrets.toString()));
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    admin = SignInSteps.registryAdminToken(base);
  }

  @AfterAll
  static void stop() throws Exception {
    SignInSteps.stop(platform, vertx);
  }

  private static void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json")
          .end(SignInSteps.discovery(issuer).encode());
      case "/jwks" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject(new JWKSet(KEY.toPublicJWK()).toJSONObject()).encode());
      case "/auth" -> {
        String code = "code-" + java.util.UUID.randomUUID();
        codes.put(code, new String[] {req.getParam("nonce"), req.getParam("client_id")});
        req.response().setStatusCode(302).putHeader("Location", req.getParam("redirect_uri") + "?code=" + code
            + "&state=" + req.getParam("state")).end();
      }
      case "/token" -> req.body().onSuccess(body -> {
        String code = null;
        for (String p : body.toString().split("&")) {
          String[] kv = p.split("=", 2);
          if ("code".equals(kv[0]) && kv.length > 1) {
            code = URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
          }
        }
        String auth = req.getHeader("Authorization");
        lastBasic = auth == null || !auth.startsWith("Basic ") ? null
            : new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
        String[] seen = code == null ? null : codes.remove(code);
        if (seen == null || !"broker-reg:partner-secret".equals(lastBasic) || !"broker-reg".equals(seen[1])) {
          req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("error", seen == null ? "invalid_grant" : "invalid_client").encode());
          return;
        }
        redeemed.add(code);
        Instant now = Instant.now();
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(issuer).subject("partner-user-1").audience("broker-reg")
            .claim("nonce", seen[0]).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
            .claim("name", "Partner Person").claim("email", "person@partner.test").build();
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("access_token", "opaque-at").put("token_type", "Bearer").put("id_token", sign(c)).encode());
      });
      case "/userinfo" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("sub", "partner-user-1").encode());
      default -> req.response().setStatusCode(404).end();
    }
  }

  private static String sign(JWTClaimsSet c) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID())
          .type(JOSEObjectType.JWT).build(), c);
      jwt.sign(new RSASSASigner(KEY));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Registers and approves the OP as upstream {@code id} (secret under {@code secret/<ref>}, or none). */
  private static void registerOp(String id, String credentialsRef) {
    JsonObject idp = new JsonObject().put("id", id).put("protocol", "oidc").put("issuer", issuer)
        .put("displayName", "Partner OP " + id).put("clientId", "broker-reg")
        .put("trustedEntitlementAuthorities", new JsonArray().add("partner.test"));
    if (credentialsRef != null) {
      idp.put("credentialsRef", credentialsRef);
    }
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/upstream-idps", admin,
        idp.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(new JsonObject(created.body()).encode()).doesNotContain("partner-secret");
    HttpResponse<String> approved = Http.sendJson("POST", base + "/registry/admin/v1/upstream-idps/" + id
        + "/approve", admin, null);
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
  }

  private static void suspend(String id) {
    HttpResponse<String> r = Http.sendJson("POST", base + "/registry/admin/v1/upstream-idps/" + id + "/suspend",
        admin, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static String authorizeUrl() {
    return base + "/aai/authorize?response_type=code&scope=openid&client_id=scicat-esrf&state=s&redirect_uri="
        + Browser.enc(REDIRECT);
  }

  /** The sign-in page's link to upstream {@code id}, once it lists it (the registry's feed reaches the broker). */
  private static String linkOnceListed(Browser browser, String id) throws InterruptedException {
    Pattern link = Pattern.compile("href=\"(oidc/login\\?req=[^\"]+&amp;upstream=" + id + ")\"");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpResponse<String> page = browser.get(authorizeUrl());
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      Matcher m = link.matcher(page.body());
      if (m.find()) {
        return base + "/aai/" + m.group(1).replace("&amp;", "&");
      }
      assertThat(System.nanoTime()).as("upstream %s never listed: %s", id, page.body()).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Waits until the sign-in page no longer lists {@code id}. */
  private static void untilNotListed(String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpResponse<String> page = new Browser().get(authorizeUrl());
      if (!page.body().contains("upstream=" + id + "\"")) {
        return;
      }
      assertThat(System.nanoTime()).as("upstream %s still listed", id).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void registryOpWhenApprovedThenListedAndSignInWorksWithTheSecretOfItsCredentialsRef() throws Exception {
    registerOp("partner-op", "secret/partner-op");
    Browser browser = new Browser();
    String start = linkOnceListed(browser, "partner-op");

    HttpResponse<String> toOp = browser.get(start);
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    assertThat(Browser.location(toOp)).startsWith(issuer + "/auth?").contains("client_id=broker-reg")
        .contains("code_challenge_method=S256");
    HttpResponse<String> atOp = browser.get(Browser.location(toOp));
    HttpResponse<String> page = browser.get(Browser.location(atOp));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("action=\"../register\"").contains("Partner Person");
    assertThat(lastBasic).isEqualTo("broker-reg:partner-secret");
  }

  @Test
  void registryOpWhenSuspendedThenTheInFlightCallbackAndNewSignInsRefusedWithAPageNothingRedeemed()
      throws Exception {
    Files.createDirectories(dataDir.resolve("upstream-secrets").resolve("partner-op2"));
    Files.writeString(dataDir.resolve("upstream-secrets").resolve("partner-op2").resolve("clientSecret"),
        "partner-secret");
    registerOp("partner-op2", "secret/partner-op2");
    Browser browser = new Browser();
    String start = linkOnceListed(browser, "partner-op2");
    HttpResponse<String> toOp = browser.get(start);
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    String callback = Browser.location(browser.get(Browser.location(toOp)));
    String code = URI.create(callback).getQuery().replaceAll(".*code=([^&]+).*", "$1");

    suspend("partner-op2");
    untilNotListed("partner-op2");
    HttpResponse<String> refused = browser.get(callback);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(refused.body()).contains("Sign-in through").contains("not possible")
        .doesNotContain("../register").doesNotContain("Exception");
    assertThat(redeemed).doesNotContain(code);
    assertThat(codes).containsKey(code);

    HttpResponse<String> again = new Browser().get(start);
    assertThat(again.statusCode()).as(again.body()).isIn(400, 403);
    assertThat(again.statusCode()).isNotEqualTo(303);
  }

  @Test
  void registryOpWhenItsSecretCannotBeFoundThenNotListedAndItsStartAnUnavailablePage() throws Exception {
    registerOp("partner-nosecret", "secret/not-mounted");
    registerOp("partner-listed", "secret/partner-op");
    Browser browser = new Browser();
    String listed = linkOnceListed(browser, "partner-listed");
    HttpResponse<String> page = browser.get(authorizeUrl());
    assertThat(page.body()).doesNotContain("upstream=partner-nosecret\"");

    HttpResponse<String> start = browser.get(listed.replace("upstream=partner-listed", "upstream=partner-nosecret"));

    assertThat(start.statusCode()).as(start.body()).isEqualTo(503);
    assertThat(start.body()).contains("unavailable").doesNotContain("not-mounted").doesNotContain("Exception");
  }
}
