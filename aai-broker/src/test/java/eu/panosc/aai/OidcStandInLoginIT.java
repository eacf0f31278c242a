package eu.panosc.aai;

import static eu.panosc.aai.SignInSteps.follow;
import static eu.panosc.aai.SignInSteps.form;
import static eu.panosc.aai.SignInSteps.hiddenValues;
import static eu.panosc.aai.SignInSteps.upstreamLink;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * With the demo's upstreams beside it (the password form, the UmbrellaID stand-in over SAML) and the stand-in also
 * configured with the {@code eduteams} profile: the OPs on the discovery page, {@code idp_hint} to one, a client that
 * does not allow it (the 403 page for a forced sign-in), and alice linking her UmbrellaID identity with an eduTEAMS one
 * ({@code prompt=login} at the OP) and getting the same pairwise {@code sub} at ESRF through either.
 */
class OidcStandInLoginIT {
  private static final String SCICAT_REDIRECT = "http://localhost:3000/auth/callback";
  private static final RSAKey KEY = SignInSteps.rsaKey("op-key-1");
  /** Same kid, another key: a forged signature. */
  private static final RSAKey FORGED = SignInSteps.rsaKey("op-key-1");

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
  /** The subject the stand-in signs in (ID token and userinfo). */
  static final AtomicReference<String> opSub = new AtomicReference<>("standin-user-1");
  /** The {@code prompt} of the last authorization request the stand-in saw (null: none). */
  static final AtomicReference<String> lastPrompt = new AtomicReference<>();
  static String admin;
  /** The stand-in's opaque access tokens: token to its RFC 7662 answer (unknown ones are inactive). */
  static final Map<String, JsonObject> opaqueTokens = new ConcurrentHashMap<>();
  /** How often each token was introspected at the stand-in. */
  static final Map<String, Integer> introspections = new ConcurrentHashMap<>();
  static final AtomicReference<String> lastClientAuth = new AtomicReference<>();
  /** code to (nonce, challenge, client id) of the authorization requests seen. */
  static final Map<String, String[]> codes = new ConcurrentHashMap<>();

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
    config.put("services.aai.upstreams.standin-pkj.oidc.introspection", "true");
    // the eduTEAMS profile (its name, scopes, user id voPersonID then sub) with the issuer overridden to the stand-in
    config.put("services.aai.upstreams.eduteams.oidc.profile", "eduteams");
    config.put("services.aai.upstreams.eduteams.oidc.issuer", issuer);
    config.put("services.aai.upstreams.eduteams.oidc.clientId", "broker");
    config.put("services.aai.upstreams.eduteams.oidc.clientSecret", "broker-secret");
    config.put("services.aai.upstreams.eduteams.oidc.clientAuth", "client_secret_post");
    // an OP nobody answers for (a free port): its sign-in is a 503 page, never a redirect into nowhere
    config.put("services.aai.upstreams.down.oidc.issuer", "http://127.0.0.1:" + Http.freePort());
    config.put("services.aai.upstreams.down.oidc.displayName", "Unreachable OP");
    config.put("services.aai.upstreams.down.oidc.clientId", "broker");
    config.put("services.aai.upstreams.down.oidc.clientSecret", "s");
    config.put("services.aai.upstreams.down.oidc.timeout", "2s");
    platform = AaiPlatform.start(dataDir.resolve("var"), true, config);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    admin = SignInSteps.registryAdminToken(base);
    restrictedClient("umbrella-only", "umbrellaid");
    restrictedClient("eduteams-only", "eduteams");
  }

  @AfterAll
  static void stop() throws Exception {
    SignInSteps.stop(platform, vertx);
  }

  private static void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/.well-known/openid-configuration" -> req.response().putHeader("Content-Type", "application/json")
          .end(SignInSteps.discovery(issuer).put("introspection_endpoint", issuer + "/introspect").encode());
      case "/jwks" -> req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject(new JWKSet(KEY.toPublicJWK()).toJSONObject()).encode());
      case "/auth" -> {
        String code = "code-" + java.util.UUID.randomUUID();
        lastPrompt.set(req.getParam("prompt"));
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
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(issuer).subject(opSub.get()).audience(seen[2])
            .claim("nonce", seen[0]).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
            .claim("name", "Stand-in Person").claim("email", "person@standin.test").claim("sid", "op-sid-1");
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("access_token", "opaque-at").put("token_type", "Bearer")
            .put("id_token", signer.get().apply(claims.get().apply(b).build())).encode());
      });
      case "/introspect" -> req.body().onSuccess(body -> {
        MultiMap form = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
        for (String p : body.toString().split("&")) {
          String[] kv = p.split("=", 2);
          form.add(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv.length > 1 ? kv[1] : "",
              StandardCharsets.UTF_8));
        }
        String token = form.get("token");
        introspections.merge(String.valueOf(token), 1, Integer::sum);
        if (!"broker-pkj".equals(form.get("client_id")) || !clientAuthenticated(form, "broker-pkj")) {
          req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("error", "invalid_client").encode());
        } else if ("opaque-op-fails".equals(token)) {
          req.response().setStatusCode(500).end("internal error");
        } else {
          req.response().putHeader("Content-Type", "application/json").end(opaqueTokens.getOrDefault(token,
              new JsonObject().put("active", false)).encode());
        }
      });
      case "/userinfo" -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("sub", userinfoSub.get() == null ? opSub.get() : userinfoSub.get()).encode());
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

  // --- the OIDC upstreams on the discovery page, allowedUpstreams, idp_hint and account linking ---

  private static final String ESRF_REDIRECT = SCICAT_REDIRECT;

  /** A public client whose users may sign in only through {@code upstream}, approved in the registry. */
  static void restrictedClient(String id, String upstream) {
    SignInSteps.restrictedClient(base, admin, id, upstream);
  }

  static String authorize(String client, String extra) {
    return base + "/aai/authorize?response_type=code&scope=openid&client_id=" + client + "&state=s&redirect_uri="
        + Browser.enc("http://localhost:9/cb/" + client) + "&code_challenge=" + "E".repeat(43)
        + "&code_challenge_method=S256" + extra;
  }

  static String esrfAuthorize(String extra) {
    return SignInSteps.esrfAuthorize(base, extra);
  }

  /** From an OIDC start URL: to the stand-in OP and back to the callback; the callback's answer. */
  static HttpResponse<String> throughTheOp(Browser browser, String start) {
    HttpResponse<String> toOp = browser.get(start);
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    HttpResponse<String> atOp = browser.get(Browser.location(toOp));
    assertThat(atOp.statusCode()).isEqualTo(302);
    return browser.get(Browser.location(atOp));
  }

  /** From a sign-in page at {@code pageUrl}: the UmbrellaID stand-in (SAML) as {@code user}; the ACS's answer. */
  static HttpResponse<String> throughUmbrellaId(Browser browser, String pageUrl, HttpResponse<String> page,
      String user) {
    return SignInSteps.throughUmbrellaId(browser, base, pageUrl, page, user);
  }

  static String code(HttpResponse<String> redirect) {
    assertThat(Browser.location(redirect)).startsWith(ESRF_REDIRECT);
    return SignInSteps.code(redirect);
  }

  /** The ID token's {@code sub} for scicat-esrf (facility esrf) from the code. */
  static String esrfSub(String code) {
    return SignInSteps.esrfSub(base, code);
  }

  @Test
  void discoveryWhenOidcUpstreamsConfiguredThenListedBesideTheOthersSearchableAndTheChoiceRemembered() {
    Browser browser = new Browser();
    HttpResponse<String> page = browser.get(esrfAuthorize(""));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("Sign in with eduTEAMS").contains("Sign in with Stand-in OP")
        .contains("Sign in with UmbrellaID (demo)").contains("name=\"password\"");
    String req = Browser.hidden(page.body()).get("req");
    assertThat(upstreamLink(page, "eduteams")).isEqualTo("oidc/login?req=" + Browser.enc(req) + "&upstream=eduteams");

    HttpResponse<String> found = browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q=EDUteams");
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).contains("Sign in with eduTEAMS").doesNotContain("Stand-in OP")
        .doesNotContain("UmbrellaID");

    // starting at an OP remembers it: the next sign-in page lists it first
    HttpResponse<String> toOp = browser.get(base + "/aai/" + upstreamLink(page, "standin"));
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    assertThat(Browser.location(toOp)).startsWith(issuer + "/auth?");
    assertThat(toOp.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("panosc_aai_idp="));
    HttpResponse<String> again = browser.get(esrfAuthorize(""));
    assertThat(again.body()).containsSubsequence("Your last choice", "Sign in with Stand-in OP",
        "Sign in with UmbrellaID (demo)");
  }

  @Test
  void idpHintWhenAnOidcUpstreamThenThePageIsSkippedToItsStart() {
    Browser browser = new Browser();
    HttpResponse<String> straight = browser.get(esrfAuthorize("&idp_hint=eduteams"));
    assertThat(straight.statusCode()).as(straight.body()).isEqualTo(303);
    String start = Browser.location(straight);
    assertThat(start).startsWith("oidc/login?req=").endsWith("&upstream=eduteams");
    HttpResponse<String> toOp = browser.get(base + "/aai/" + start);
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    assertThat(Browser.location(toOp)).startsWith(issuer + "/auth?").contains("client_id=broker");

    HttpResponse<String> onlyOne = new Browser().get(authorize("eduteams-only", ""));
    assertThat(onlyOne.statusCode()).as("one upstream allowed, an OIDC one: the page is skipped").isEqualTo(303);
    assertThat(Browser.location(onlyOne)).startsWith("oidc/login?req=").endsWith("&upstream=eduteams");
  }

  @Test
  void oidcLoginWhenTheClientDoesNotAllowTheUpstreamThenNotOfferedAndAForcedStartRefusedWith403() {
    Browser browser = new Browser();
    HttpResponse<String> only = browser.get(authorize("umbrella-only", ""));
    assertThat(only.statusCode()).isEqualTo(303);
    String start = Browser.location(only);
    assertThat(start).startsWith("saml2/sp/login?req=");
    String req = URLDecoder.decode(start.replaceAll(".*req=([^&]+).*", "$1"), StandardCharsets.UTF_8);

    HttpResponse<String> hinted = browser.get(authorize("umbrella-only", "&idp_hint=eduteams"));
    assertThat(hinted.statusCode()).isEqualTo(200);
    assertThat(hinted.body()).contains("not available for it here").contains("Sign in with UmbrellaID (demo)")
        .doesNotContain("eduTEAMS").doesNotContain("oidc/login");

    HttpResponse<String> forced = browser.get(base + "/aai/oidc/login?req=" + Browser.enc(req) + "&upstream=eduteams");
    assertThat(forced.statusCode()).isEqualTo(403);
    assertThat(forced.body()).contains("Not available for this application").doesNotContain("Exception");
    assertThat(forced.headers().firstValue("Location")).as("never to the OP").isEmpty();
    assertThat(forced.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("panosc_oidc_flow_"));
  }

  @Test
  void linkWhenAliceLinksUmbrellaIdAndEduteamsThenSheGetsTheSamePairwiseSubAtEsrfThroughEither() {
    // alice at ESRF through the UmbrellaID stand-in (SAML)
    Browser a = new Browser();
    HttpResponse<String> page = a.get(esrfAuthorize(""));
    HttpResponse<String> acs = throughUmbrellaId(a, esrfAuthorize(""), page, "alice");
    HttpResponse<String> back = acs.statusCode() == 200 ? a.consent(base, acs, true) : acs;
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    String aliceSub = esrfSub(code(back));

    // link: the account page, the discovery page, eduTEAMS with prompt=login, the confirmation
    opSub.set("alice-at-eduteams");
    try {
      HttpResponse<String> account = a.get(base + "/aai/account");
      assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
      HttpResponse<String> toDiscovery = a.post(base + "/aai/account/link", form(account, "/aai/account/link"));
      assertThat(toDiscovery.statusCode()).isEqualTo(303);
      String discoveryUrl = follow(base + "/aai/account/link", toDiscovery);
      HttpResponse<String> discovery = a.get(discoveryUrl);
      assertThat(discovery.body()).contains("your PaNOSC account").contains("Sign in with eduTEAMS");
      String start = URI.create(discoveryUrl).resolve(upstreamLink(discovery, "eduteams")).toString();
      HttpResponse<String> callback = throughTheOp(a, start);
      assertThat(lastPrompt).as("a link signs in afresh at the OP").hasValue("login");
      assertThat(callback.statusCode()).as(callback.body()).isEqualTo(303);
      String confirmUrl = follow(base + "/aai/oidc/callback", callback);
      assertThat(confirmUrl).startsWith(base + "/aai/account/link?req=");
      HttpResponse<String> confirm = a.get(confirmUrl);
      assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(200);
      assertThat(confirm.body()).contains("Link this account?").contains("eduTEAMS");
      HttpResponse<String> linked = a.post(base + "/aai/account/link/confirm", form(confirm, "/aai/account/link/confirm"));
      assertThat(linked.statusCode()).as(linked.body()).isEqualTo(303);
      account = a.get(base + "/aai/account");
      assertThat(hiddenValues(account, "subject")).singleElement().asString().endsWith("alice-at-eduteams");
      assertThat(account.body()).contains("eduTEAMS");

      // a fresh browser at ESRF through eduTEAMS (idp_hint): alice, consented already, with her sub
      Browser e = new Browser();
      HttpResponse<String> hinted = e.get(esrfAuthorize("&idp_hint=eduteams"));
      assertThat(hinted.statusCode()).isEqualTo(303);
      HttpResponse<String> viaEduteams = throughTheOp(e, base + "/aai/" + Browser.location(hinted));
      assertThat(lastPrompt.get()).as("no prompt=login for an ordinary sign-in").isNull();
      assertThat(viaEduteams.statusCode()).as(viaEduteams.body()).isEqualTo(302);
      assertThat(esrfSub(code(viaEduteams))).isEqualTo(aliceSub);

      // and through UmbrellaID again: the same sub
      Browser u = new Browser();
      HttpResponse<String> viaUmbrella = throughUmbrellaId(u, esrfAuthorize(""), u.get(esrfAuthorize("")), "alice");
      assertThat(viaUmbrella.statusCode()).as(viaUmbrella.body()).isEqualTo(302);
      assertThat(esrfSub(code(viaUmbrella))).isEqualTo(aliceSub);

      // the account page, signed in to through eduTEAMS: alice's account
      Browser acc = new Browser();
      HttpResponse<String> toSignIn = acc.get(base + "/aai/account");
      assertThat(toSignIn.statusCode()).isEqualTo(303);
      String accountDiscovery = follow(base + "/aai/account", toSignIn);
      HttpResponse<String> signInPage = acc.get(accountDiscovery);
      HttpResponse<String> signedIn = throughTheOp(acc, URI.create(accountDiscovery)
          .resolve(upstreamLink(signInPage, "eduteams")).toString());
      assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
      assertThat(follow(base + "/aai/oidc/callback", signedIn)).isEqualTo(base + "/aai/account");
      HttpResponse<String> alicesAccount = acc.get(base + "/aai/account");
      assertThat(alicesAccount.statusCode()).as(alicesAccount.body()).isEqualTo(200);
      assertThat(alicesAccount.body()).contains("alice@demo.panosc.eu");
      assertThat(hiddenValues(alicesAccount, "subject")).singleElement().asString().endsWith("alice-at-eduteams");

      // another eduTEAMS person is not alice (never matched on name or e-mail: the stand-in sends the same ones)
      opSub.set("someone-else-at-eduteams");
      Browser o = new Browser();
      HttpResponse<String> other = throughTheOp(o, base + "/aai/" + Browser.location(o.get(esrfAuthorize(
          "&idp_hint=eduteams"))));
      assertThat(other.statusCode()).as("a new user: the registration page").isEqualTo(200);
      assertThat(other.body()).contains("action=\"../register\"");
    } finally {
      opSub.set("standin-user-1");
    }
  }

  // --- external token exchange of opaque upstream access tokens (RFC 7662 introspection at the stand-in) ---

  private static HttpResponse<String> exchange(String subjectToken) {
    return Http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            "scicat-esrf:scicat-esrf-demo-secret".getBytes(StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=" + Browser.enc(
            "urn:ietf:params:oauth:grant-type:token-exchange") + "&subject_token=" + Browser.enc(subjectToken)
            + "&subject_token_type=" + Browser.enc("urn:ietf:params:oauth:token-type:access_token") + "&audience="
            + Browser.enc("https://icat.ill.demo"))).build());
  }

  /** The stand-in's active answer for a token of {@code sub} issued to {@code clientId}. */
  private static JsonObject activeAnswer(String sub, String clientId) {
    return new JsonObject().put("active", true).put("iss", issuer).put("sub", sub).put("client_id", clientId)
        .put("token_type", "Bearer").put("exp", Instant.now().plusSeconds(300).getEpochSecond())
        .put("iat", Instant.now().getEpochSecond());
  }

  /** {@code sub} signs in at ESRF through the private_key_jwt upstream, registering: a broker user from then on. */
  private static String registerThroughPkj(String sub) {
    opSub.set(sub);
    try {
      AtCallback at = toCallback("standin-pkj");
      HttpResponse<String> page = at.browser().get(at.callback());
      for (int step = 0; step < 3 && page.statusCode() == 200; step++) {
        if (page.body().contains("action=\"../register\"")) {
          Map<String, String> reg = Browser.hidden(page.body());
          reg.put("name", "Opaque Holder");
          reg.put("email", sub + "@standin.test");
          reg.put("terms", "accept");
          page = at.browser().post(base + "/aai/register", reg);
        } else {
          page = at.browser().consent(base, page, true);
        }
      }
      assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
      assertThat(Browser.location(page)).startsWith(SCICAT_REDIRECT);
      return code(page);
    } finally {
      opSub.set("standin-user-1");
    }
  }

  @Test
  void tokenExchangeWhenOpaqueTokenActiveAtTheOpThenIllTokenAndTheAnswerCachedNotAskedTwice() throws Exception {
    registerThroughPkj("opaque-holder");
    opaqueTokens.put("opaque-at-holder-1", activeAnswer("opaque-holder", "broker-pkj"));

    HttpResponse<String> r = exchange("opaque-at-holder-1");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject answer = new JsonObject(r.body());
    assertThat(answer.getString("issued_token_type")).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    JWTClaimsSet ill = SignedJWT.parse(answer.getString("access_token")).getJWTClaimsSet();
    assertThat(ill.getAudience()).containsExactly("https://icat.ill.demo");
    assertThat(ill.getJSONObjectClaim("act")).containsEntry("sub", "scicat-esrf");
    assertThat(ill.getSubject()).as("a pairwise sub, not the upstream's").isNotEqualTo("opaque-holder")
        .doesNotContain("@");
    assertThat(lastClientAuth).as("the broker authenticated at the introspection endpoint").hasValue(
        "private_key_jwt");

    HttpResponse<String> again = exchange("opaque-at-holder-1");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(SignedJWT.parse(new JsonObject(again.body()).getString("access_token")).getJWTClaimsSet()
        .getSubject()).isEqualTo(ill.getSubject());
    assertThat(introspections.get("opaque-at-holder-1")).as("the second exchange used the cached answer")
        .isEqualTo(1);
  }

  @Test
  void tokenExchangeWhenOpaqueTokenInactiveForeignUnknownUserOrOpFailingThenOAuthErrorsNever500() {
    String code = registerThroughPkj("opaque-holder-2");
    HttpResponse<String> unknown = exchange("never-issued-token");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("invalid_request");
    assertThat(new JsonObject(unknown.body()).getString("error_description")).contains("inactive")
        .doesNotContain("never-issued-token");

    opaqueTokens.put("opaque-at-other-client", activeAnswer("opaque-holder-2", "another-client"));
    HttpResponse<String> foreign = exchange("opaque-at-other-client");
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(foreign.body()).getString("error")).isEqualTo("invalid_request");
    assertThat(new JsonObject(foreign.body()).getString("error_description")).contains("audience");

    opaqueTokens.put("opaque-at-expired", activeAnswer("opaque-holder-2", "broker-pkj").put("exp",
        Instant.now().minusSeconds(3600).getEpochSecond()));
    HttpResponse<String> expired = exchange("opaque-at-expired");
    assertThat(new JsonObject(expired.body()).getString("error_description")).contains("expired");

    opaqueTokens.put("opaque-at-stranger", activeAnswer("never-signed-in-here", "broker-pkj"));
    HttpResponse<String> stranger = exchange("opaque-at-stranger");
    assertThat(stranger.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(stranger.body()).getString("error")).isEqualTo("invalid_grant");
    assertThat(new JsonObject(stranger.body()).getString("error_description")).contains("sign in through the broker");

    HttpResponse<String> down = exchange("opaque-op-fails");
    assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
    assertThat(new JsonObject(down.body()).getString("error")).isEqualTo("temporarily_unavailable");
    assertThat(down.body()).doesNotContain("opaque-op-fails");

    HttpResponse<String> tokens = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            "scicat-esrf:scicat-esrf-demo-secret".getBytes(StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code="
            + Browser.enc(code) + "&redirect_uri=" + Browser.enc(SCICAT_REDIRECT))).build());
    String refresh = new JsonObject(tokens.body()).getString("refresh_token");
    assertThat(refresh).as(tokens.body()).isNotNull();
    HttpResponse<String> ownRefresh = exchange(refresh);
    assertThat(ownRefresh.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(ownRefresh.body()).getString("error_description")).contains("refresh token");
    assertThat(introspections).as("the broker's own refresh token is never sent to the OP").doesNotContainKey(refresh);

    HttpResponse<String> notAToken = exchange("has spaces in it");
    assertThat(notAToken.statusCode()).as("never sent to the OP").isEqualTo(400);
    assertThat(introspections).doesNotContainKey("has spaces in it");
  }
}
