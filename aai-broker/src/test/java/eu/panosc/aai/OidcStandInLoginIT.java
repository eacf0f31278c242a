package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.oidc.OidcLogin;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's OIDC sign-in refusing crafted ID tokens with the error page. The OP here is a small in-test stand-in
 * (a Vert.x server with discovery, authorization, token, userinfo and JWKS endpoints) because Keycloak, the real OP of
 * {@code OidcKeycloakLoginIT}, cannot be made to issue a wrong {@code aud}, a wrong {@code nonce}, a bad signature,
 * {@code alg: none} or an expired ID token. The stand-in checks what the broker sends: PKCE S256 (the verifier against
 * the challenge), {@code client_secret_post}, and for the second upstream a {@code private_key_jwt} assertion verified
 * against the broker's published JWKS. Also: a callback in another browser (no flow cookie), a replayed state, another
 * issuer in the RFC 9207 {@code iss}, the OP's {@code error=access_denied}, a userinfo answer about another subject.
 */
class OidcStandInLoginIT {
  private static final String SCICAT_REDIRECT = "http://localhost:3000/auth/callback";
  private static final RSAKey KEY = rsa("op-key-1");
  /** Same kid, another key: a forged signature. */
  private static final RSAKey FORGED = rsa("op-key-1");

  @TempDir
  static Path dataDir;
  static Vertx vertx;
  static HttpServer op;
  static String issuer;
  static Platform platform;
  static String base;
  /** How the stand-in alters the next ID token (given the valid claims). */
  static final AtomicReference<UnaryOperator<JWTClaimsSet.Builder>> claims = new AtomicReference<>(b -> b);
  /** How the stand-in serialises the next ID token (default: RS256 with its key). */
  static final AtomicReference<java.util.function.Function<JWTClaimsSet, String>> signer =
      new AtomicReference<>(c -> sign(c, KEY));
  static final AtomicReference<String> userinfoSub = new AtomicReference<>();
  static final AtomicReference<String> lastClientAuth = new AtomicReference<>();
  /** code to (nonce, challenge, client id) of the authorization requests seen. */
  static final Map<String, String[]> codes = new ConcurrentHashMap<>();

  private static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(JWTClaimsSet c, RSAKey key) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
          .type(JOSEObjectType.JWT).build(), c);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    op = vertx.createHttpServer().requestHandler(OidcStandInLoginIT::handle).listen(0, "127.0.0.1").await();
    issuer = "http://127.0.0.1:" + op.actualPort();
    Map<String, String> config = new HashMap<>();
    config.put("services.aai.upstreams.standin.oidc.issuer", issuer);
    config.put("services.aai.upstreams.standin.oidc.displayName", "Stand-in OP");
    config.put("services.aai.upstreams.standin.oidc.clientId", "broker");
    config.put("services.aai.upstreams.standin.oidc.clientSecret", "broker-secret");
    config.put("services.aai.upstreams.standin.oidc.clientAuth", "client_secret_post");
    config.put("services.aai.upstreams.standin.attributes.userId", "sub");
    config.put("services.aai.upstreams.standin-pkj.oidc.issuer", issuer);
    config.put("services.aai.upstreams.standin-pkj.oidc.displayName", "Stand-in OP (key)");
    config.put("services.aai.upstreams.standin-pkj.oidc.clientId", "broker-pkj");
    config.put("services.aai.upstreams.standin-pkj.oidc.clientAuth", "private_key_jwt");
    config.put("services.aai.upstreams.standin-pkj.attributes.userId", "sub");
    // an OP nobody answers for (a free port): its sign-in is a 503 page, never a redirect into nowhere
    config.put("services.aai.upstreams.down.oidc.issuer", "http://127.0.0.1:" + Http.freePort());
    config.put("services.aai.upstreams.down.oidc.displayName", "Unreachable OP");
    config.put("services.aai.upstreams.down.oidc.clientId", "broker");
    config.put("services.aai.upstreams.down.oidc.clientSecret", "s");
    config.put("services.aai.upstreams.down.oidc.timeout", "2s");
    platform = AaiPlatform.start(dataDir.resolve("var"), true, config);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private static void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("issuer", issuer).put("authorization_endpoint", issuer + "/auth")
              .put("token_endpoint", issuer + "/token").put("userinfo_endpoint", issuer + "/userinfo")
              .put("jwks_uri", issuer + "/jwks").encode());
      case "/jwks" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject(new JWKSet(KEY.toPublicJWK()).toJSONObject()).encode());
      case "/auth" -> {
        String code = "code-" + java.util.UUID.randomUUID();
        codes.put(code, new String[] {req.getParam("nonce"), req.getParam("code_challenge"), req.getParam("client_id")});
        String back = req.getParam("redirect_uri") + "?code=" + code + "&state=" + req.getParam("state");
        req.response().setStatusCode(302).putHeader("Location", back).end();
      }
      case "/token" -> req.body().onSuccess(body -> {
        MultiMap form = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
        for (String p : body.toString().split("&")) {
          String[] kv = p.split("=", 2);
          form.add(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv.length > 1 ? kv[1] : "",
              StandardCharsets.UTF_8));
        }
        String[] seen = codes.remove(form.get("code"));
        if (seen == null || !s256(form.get("code_verifier")).equals(seen[1]) || !clientAuthenticated(form, seen[2])) {
          req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("error", "invalid_grant").encode());
          return;
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer).subject("standin-user-1").audience(seen[2])
            .claim("nonce", seen[0]).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
            .claim("name", "Stand-in Person").claim("email", "person@standin.test").claim("sid", "op-sid-1");
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("access_token", "opaque-at").put("token_type", "Bearer")
            .put("id_token", signer.get().apply(claims.get().apply(b).build())).encode());
      });
      case "/userinfo" -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("sub", userinfoSub.get() == null ? "standin-user-1" : userinfoSub.get()).encode());
      default -> req.response().setStatusCode(404).end();
    }
  }

  /** client_secret_post for "broker"; for "broker-pkj" an RS256 assertion verified against the broker's JWKS. */
  private static boolean clientAuthenticated(MultiMap form, String clientId) {
    try {
      if ("broker".equals(clientId)) {
        lastClientAuth.set("client_secret_post");
        return "broker".equals(form.get("client_id")) && "broker-secret".equals(form.get("client_secret"));
      }
      SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
      JWKSet published = JWKSet.parse(Http.get(base + "/aai/jwks").body());
      RSAKey key = (RSAKey) published.getKeyByKeyId(assertion.getHeader().getKeyID());
      JWTClaimsSet c = assertion.getJWTClaimsSet();
      boolean ok = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))
          && key != null && assertion.verify(new RSASSAVerifier(key)) && "broker-pkj".equals(c.getIssuer())
          && "broker-pkj".equals(c.getSubject()) && c.getAudience().contains(issuer + "/token")
          && c.getExpirationTime().toInstant().isAfter(Instant.now()) && c.getJWTID() != null;
      lastClientAuth.set(ok ? "private_key_jwt" : "bad assertion");
      return ok;
    } catch (Exception e) {
      lastClientAuth.set("unreadable: " + e);
      return false;
    }
  }

  private static String s256(String verifier) {
    try {
      return verifier == null ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest
          .getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The browser at the broker's callback after the stand-in answered: the callback URL and the browser. */
  record AtCallback(Browser browser, String callback) {}

  private static AtCallback toCallback(String upstream) {
    Browser browser = new Browser();
    var loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid&client_id=scicat-esrf"
        + "&state=s&redirect_uri=" + Browser.enc(SCICAT_REDIRECT));
    assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"(oidc/login\\?req=[^\"]+&amp;upstream="
        + upstream + ")\"").matcher(loginPage.body());
    assertThat(m.find()).as(loginPage.body()).isTrue();
    var toOp = browser.get(base + "/aai/" + m.group(1).replace("&amp;", "&"));
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    var atOp = browser.get(Browser.location(toOp));
    assertThat(atOp.statusCode()).isEqualTo(302);
    return new AtCallback(browser, Browser.location(atOp));
  }

  private static java.net.http.HttpResponse<String> signInWith(UnaryOperator<JWTClaimsSet.Builder> alter,
      java.util.function.Function<JWTClaimsSet, String> how) {
    claims.set(alter);
    signer.set(how);
    try {
      AtCallback at = toCallback("standin");
      return at.browser().get(at.callback());
    } finally {
      claims.set(b -> b);
      signer.set(c -> sign(c, KEY));
    }
  }

  private static void refusedWithPage(java.net.http.HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("Sign-in answer not accepted").doesNotContain("Exception");
  }

  @Test
  void callbackWhenValidIdTokenThenRegistrationPageAndPkceAndSecretPostChecked() {
    var page = signInWith(b -> b, c -> sign(c, KEY));

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("action=\"../register\"").contains("Stand-in Person");
    assertThat(lastClientAuth).hasValue("client_secret_post");
  }

  @Test
  void callbackWhenPrivateKeyJwtUpstreamThenTheAssertionVerifiesAgainstTheBrokersJwks() {
    AtCallback at = toCallback("standin-pkj");
    var page = at.browser().get(at.callback());

    assertThat(lastClientAuth).hasValue("private_key_jwt");
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("action=\"../register\"");
  }

  @Test
  void callbackWhenWrongAudienceThenErrorPage() {
    refusedWithPage(signInWith(b -> b.audience("another-client"), c -> sign(c, KEY)));
  }

  @Test
  void callbackWhenWrongNonceThenErrorPage() {
    refusedWithPage(signInWith(b -> b.claim("nonce", "not-the-flows-nonce"), c -> sign(c, KEY)));
  }

  @Test
  void callbackWhenSignedByAnotherKeyThenErrorPage() {
    refusedWithPage(signInWith(b -> b, c -> sign(c, FORGED)));
  }

  @Test
  void callbackWhenAlgNoneThenErrorPage() {
    refusedWithPage(signInWith(b -> b, c -> new PlainJWT(c).serialize()));
  }

  @Test
  void callbackWhenHs256WithThePublicKeyAsSecretThenErrorPage() {
    refusedWithPage(signInWith(b -> b, c -> {
      try {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY.getKeyID()).build(), c);
        jwt.sign(new MACSigner(KEY.toRSAPublicKey().getEncoded()));
        return jwt.serialize();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
  }

  @Test
  void callbackWhenExpiredThenErrorPage() {
    Instant past = Instant.now().minusSeconds(3600);
    refusedWithPage(signInWith(b -> b.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300))),
        c -> sign(c, KEY)));
  }

  @Test
  void callbackWhenAnotherIssuerThenErrorPage() {
    refusedWithPage(signInWith(b -> b.issuer("https://evil.example.org"), c -> sign(c, KEY)));
  }

  @Test
  void callbackWhenUserinfoIsAboutAnotherSubjectThenErrorPage() {
    userinfoSub.set("someone-else");
    try {
      refusedWithPage(signInWith(b -> b, c -> sign(c, KEY)));
    } finally {
      userinfoSub.set(null);
    }
  }

  @Test
  void callbackWhenAnotherBrowserOrReplayedThenPagesSayingSo() {
    AtCallback at = toCallback("standin");
    var elsewhere = new Browser().get(at.callback());
    assertThat(elsewhere.statusCode()).isEqualTo(403);
    assertThat(elsewhere.body()).contains("Sign-in started elsewhere");

    var first = at.browser().get(at.callback());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    var again = at.browser().get(at.callback());
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("Sign-in already used");
  }

  @Test
  void callbackWhenRfc9207IssIsAnotherIssuerThenErrorPage() {
    AtCallback at = toCallback("standin");
    refusedWithPage(at.browser().get(at.callback() + "&iss=" + Browser.enc("https://evil.example.org")));
  }

  @Test
  void callbackWhenOpAnswersAccessDeniedOrNothingThenPages() {
    AtCallback at = toCallback("standin");
    String state = Arrays.stream(URI.create(at.callback()).getRawQuery().split("&"))
        .filter(p -> p.startsWith("state=")).findFirst().orElseThrow().substring(6);
    var denied = at.browser().get(base + "/aai/oidc/callback?error=access_denied&state=" + state);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("Sign-in cancelled");

    var bare = new Browser().get(base + "/aai/oidc/callback");
    assertThat(bare.statusCode()).isEqualTo(400);
    assertThat(bare.body()).contains("Sign-in answer incomplete");
    var repeated = new Browser().get(base + "/aai/oidc/callback?state=a&state=b");
    assertThat(repeated.statusCode()).isEqualTo(400);
  }

  @Test
  void loginWhenUnknownUpstreamOrPendingThenPages() {
    var unknown = new Browser().get(base + "/aai/oidc/login?req=nothing&upstream=standin");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("expired");

    Browser browser = new Browser();
    var loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid&client_id=scicat-esrf"
        + "&state=s&redirect_uri=" + Browser.enc(SCICAT_REDIRECT));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("href=\"(oidc/login\\?req=[^&\"]+)&amp;upstream=")
        .matcher(loginPage.body());
    assertThat(m.find()).as(loginPage.body()).isTrue();
    var noSuchOp = browser.get(base + "/aai/" + m.group(1) + "&upstream=nope");
    assertThat(noSuchOp.statusCode()).isEqualTo(400);
    assertThat(noSuchOp.body()).contains("Identity provider not known");
    var down = browser.get(base + "/aai/" + m.group(1) + "&upstream=down");
    assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
    assertThat(down.body()).contains("Sign-in through Unreachable OP unavailable");
  }
}
