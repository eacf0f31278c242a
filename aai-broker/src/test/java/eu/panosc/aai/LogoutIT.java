package eu.panosc.aai;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RP-Initiated Logout 1.0 and Back-Channel Logout 1.0 end to end: a browser logs in to two registered relying
 * parties; a real relying party (a Vert.x HTTP server) receives the back-channel posts, whose logout tokens are
 * validated with Nimbus' own {@link LogoutTokenValidator} against the published JWKS.
 */
class LogoutIT {
  @TempDir
  static Path dataDir;

  static MutableClock clock = new MutableClock(Instant.now());
  static Platform platform;
  static String base;
  static Vertx rpVertx;
  static HttpServer rp;
  static String rpBase;
  /** Logout tokens received, per back-channel path. */
  static final Map<String, Queue<String>> received = new ConcurrentHashMap<>();
  /** How many more deliveries to a path are answered 503 before one is accepted. */
  static final Map<String, AtomicInteger> failFirst = new ConcurrentHashMap<>();
  static final Map<String, String> secrets = new ConcurrentHashMap<>();
  static final Map<String, String> SETTINGS = Map.of("services.aai.backchannelLogoutRetryDelay", "200ms",
      "services.aai.backchannelLogoutTimeout", "3s", "services.aai.purgeInterval", "1s",
      "services.aai.backchannelLogoutPoll", "200ms", "services.aai.backchannelLogoutAttempts", "30");

  @BeforeAll
  static void start() throws Exception {
    rpVertx = Vertx.vertx();
    Router router = Router.router(rpVertx);
    router.post("/bc/:client").handler(BodyHandler.create()).handler(ctx -> {
      String client = ctx.pathParam("client");
      received.computeIfAbsent(client, k -> new ConcurrentLinkedQueue<>())
          .add(String.valueOf(ctx.request().getFormAttribute("logout_token")));
      AtomicInteger fail = failFirst.get(client);
      ctx.response().setStatusCode(fail != null && fail.getAndDecrement() > 0 ? 503 : 200)
          .putHeader("Cache-Control", "no-store").end();
    });
    rp = rpVertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    rpBase = "http://localhost:" + rp.actualPort();

    platform = AaiPlatform.start(dataDir, true, SETTINGS, clock);
    base = platform.baseUrl().toString();
    String admin = clientCredentials("registry-admin", "registry-admin-demo-secret", "registry:admin");
    register(admin, "portal-rp", "esrf", true);
    register(admin, "wiki-rp", "ill", true);
    register(admin, "plain-rp", "esrf", false);
    // the registry rejects logout fields it cannot honour
    JsonObject service = new JsonObject().put("clientId", "bad-rp").put("type", "service")
        .put("grantTypes", new JsonArray().add("client_credentials")).put("scopes", new JsonArray().add("pdp:evaluate"))
        .put("backchannelLogoutUri", rpBase + "/bc/bad");
    HttpResponse<String> refused = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, service.encode());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("/backchannelLogoutUri");
  }

  static void register(String admin, String id, String facility, boolean backchannel) {
    JsonObject client = new JsonObject().put("clientId", id).put("facility", facility).put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("redirectUris", new JsonArray().add(rpBase + "/cb/" + id))
        .put("postLogoutRedirectUris", new JsonArray().add(rpBase + "/signed-out/" + id))
        .put("scopes", new JsonArray().add("openid").add("profile"));
    if (backchannel) {
      client.put("backchannelLogoutUri", rpBase + "/bc/" + id).put("backchannelLogoutSessionRequired", true);
    }
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, client.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject body = new JsonObject(created.body());
    assertThat(body.getJsonArray("postLogoutRedirectUris").getList()).containsExactly(rpBase + "/signed-out/" + id);
    secrets.put(id, body.getString("clientSecret"));
    HttpResponse<String> approved = Http.sendJson("POST", base + "/registry/admin/v1/clients/" + id + "/approve",
        admin, null);
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
  }

  static String clientCredentials(String id, String secret, String scope) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID(id), new Secret(secret)), new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(),
        new com.nimbusds.oauth2.sdk.Scope(scope)).toHTTPRequest().send()).toSuccessResponse().getTokens()
        .getAccessToken().getValue();
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
    rpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static ClientSecretBasic auth(String id) {
    return new ClientSecretBasic(new ClientID(id), new Secret(secrets.get(id)));
  }

  /** Signs {@code browser} in (or uses its session) for {@code client}; the tokens. */
  static OIDCTokenResponse login(Browser browser, String client, String user) throws Exception {
    URI redirect = URI.create(rpBase + "/cb/" + client);
    Started s = startRequest(client, redirect);
    HttpResponse<String> page = browser.get(s.request().toString());
    if (page.statusCode() == 200 && page.body().contains("name=\"password\"")) {
      page = browser.login(base, page, user, user + "-demo-pw");
    }
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    var r = com.nimbusds.oauth2.sdk.AuthorizationResponse.parse(URI.create(Browser.location(page)));
    TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/aai/token"), auth(client),
        new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(), redirect))
        .toHTTPRequest().send());
    assertThat(tokens.indicatesSuccess()).as(() -> tokens.toErrorResponse().getErrorObject().toString()).isTrue();
    return (OIDCTokenResponse) tokens.toSuccessResponse();
  }

  record Started(URI request) {}

  static Started startRequest(String client, URI redirect) {
    return new Started(new com.nimbusds.openid.connect.sdk.AuthenticationRequest.Builder(
        com.nimbusds.oauth2.sdk.ResponseType.CODE, com.nimbusds.oauth2.sdk.Scope.parse("openid profile"),
        new ClientID(client), redirect).endpointURI(URI.create(base + "/aai/authorize"))
        .state(new com.nimbusds.oauth2.sdk.id.State()).nonce(new com.nimbusds.openid.connect.sdk.Nonce()).build()
        .toURI());
  }

  /** Whether the browser still has a live session: a new authorization request goes straight back with a code. */
  static boolean signedIn(Browser browser, String client) {
    HttpResponse<String> r = browser.get(startRequest(client, URI.create(rpBase + "/cb/" + client)).request().toString());
    return r.statusCode() == 302;
  }

  static String logoutUrl(String... nameValues) {
    StringBuilder url = new StringBuilder(base + "/aai/logout");
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      url.append(i == 0 ? '?' : '&').append(nameValues[i]).append('=')
          .append(URLEncoder.encode(nameValues[i + 1], StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  static LogoutTokenClaimsSet validate(String logoutToken, String client) throws Exception {
    JWKSet jwks = JWKSet.parse(Http.get(base + "/aai/jwks").body());
    var selector = new JWSVerificationKeySelector<SecurityContext>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(jwks));
    // requireTypedToken: typ must be logout+jwt (§2.4)
    return new LogoutTokenValidator(new Issuer(base + "/aai"), new ClientID(client), true, selector, null)
        .validate(SignedJWT.parse(logoutToken));
  }

  static boolean refreshWorks(String client, OIDCTokenResponse tokens) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"), auth(client),
        new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())).toHTTPRequest().send()).indicatesSuccess();
  }

  @Test
  void discoveryWhenFetchedThenAdvertisesEndSessionAndBackChannel() {
    JsonObject meta = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());
    assertThat(meta.getString("end_session_endpoint")).isEqualTo(base + "/aai/logout");
    assertThat(meta.getBoolean("backchannel_logout_supported")).isTrue();
    assertThat(meta.getBoolean("backchannel_logout_session_supported")).isTrue();
    assertThat(meta.getBoolean("frontchannel_logout_supported")).isFalse();
  }

  @Test
  void logoutWhenHintIsTheCurrentSessionThenNoQuestionSessionGoneGrantsRevokedAndEveryClientTold() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse portal = login(browser, "portal-rp", "alice");
    OIDCTokenResponse wiki = login(browser, "wiki-rp", "alice");
    login(browser, "plain-rp", "alice");
    JWTClaimsSet portalId = portal.getOIDCTokens().getIDToken().getJWTClaimsSet();
    JWTClaimsSet wikiId = wiki.getOIDCTokens().getIDToken().getJWTClaimsSet();
    String sid = portalId.getStringClaim("sid");
    assertThat(sid).as("ID tokens carry the session id").isNotBlank().hasSize(43);
    assertThat(wikiId.getStringClaim("sid")).as("one session, one sid").isEqualTo(sid);
    String oldCookie = browser.cookie("panosc_aai_session");
    assertThat(sid).isNotEqualTo(oldCookie);
    int portalBefore = received.getOrDefault("portal-rp", new ConcurrentLinkedQueue<>()).size();
    int wikiBefore = received.getOrDefault("wiki-rp", new ConcurrentLinkedQueue<>()).size();

    HttpResponse<String> out = browser.get(logoutUrl("id_token_hint", portal.getOIDCTokens().getIDTokenString(),
        "post_logout_redirect_uri", rpBase + "/signed-out/portal-rp", "state", "st&te 1"));
    assertThat(out.statusCode()).as(out.body()).isEqualTo(302);
    assertThat(Browser.location(out)).isEqualTo(rpBase + "/signed-out/portal-rp?state=st%26te%201");
    assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("panosc_aai_session=")
        .contains("Max-Age=0"));

    // both clients with a back-channel URI get a logout token that an independent RP library accepts
    await().atMost(Duration.ofSeconds(20)).until(() -> received.getOrDefault("portal-rp", new ConcurrentLinkedQueue<>())
        .size() > portalBefore && received.getOrDefault("wiki-rp", new ConcurrentLinkedQueue<>()).size() > wikiBefore);
    String portalToken = List.copyOf(received.get("portal-rp")).get(portalBefore);
    LogoutTokenClaimsSet claims = validate(portalToken, "portal-rp");
    assertThat(claims.getSubject().getValue()).isEqualTo(portalId.getSubject());
    assertThat(claims.getSessionID().getValue()).isEqualTo(sid);
    SignedJWT raw = SignedJWT.parse(portalToken);
    assertThat(raw.getHeader().getType()).isEqualTo(new JOSEObjectType("logout+jwt"));
    JWTClaimsSet c = raw.getJWTClaimsSet();
    assertThat(c.getClaim("nonce")).isNull();
    assertThat(c.getJSONObjectClaim("events")).containsOnlyKeys("http://schemas.openid.net/event/backchannel-logout");
    assertThat(c.getJWTID()).isNotBlank();
    assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isLessThanOrEqualTo(120_000);
    LogoutTokenClaimsSet wikiClaims = validate(List.copyOf(received.get("wiki-rp")).get(wikiBefore), "wiki-rp");
    assertThat(wikiClaims.getSubject().getValue()).as("the wiki's own pairwise sub").isEqualTo(wikiId.getSubject())
        .isNotEqualTo(portalId.getSubject());
    assertThat(received.containsKey("plain-rp")).as("no back-channel URI, no post").isFalse();

    // the refresh tokens of the session stop working, for every client of it
    assertThat(refreshWorks("portal-rp", portal)).isFalse();
    assertThat(refreshWorks("wiki-rp", wiki)).isFalse();
    // the session is gone on the server: replaying the old cookie means logging in again
    assertThat(signedIn(browser, "portal-rp")).isFalse();
    browser.setCookie(base, "panosc_aai_session", oldCookie);
    HttpResponse<String> again = browser.get(startRequest("portal-rp", URI.create(rpBase + "/cb/portal-rp")).request()
        .toString());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("name=\"password\"");
  }

  @Test
  void logoutWhenRevokingTheGrantsFailsThenNothingEndedAndTheNextLogoutEndsAll() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse portal = login(browser, "portal-rp", "alice");
    String hint = portal.getOIDCTokens().getIDTokenString();
    String sid = portal.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid");
    var sql = platform.database().pool(platform.vertx(), "aai");
    try {
      sql.query("CREATE OR REPLACE FUNCTION test_refuse_revocation() RETURNS trigger LANGUAGE plpgsql AS $$"
          + " BEGIN RAISE EXCEPTION 'injected failure'; END $$").execute().await();
      sql.query("CREATE TRIGGER test_refuse_revocation BEFORE INSERT ON revoked_token FOR EACH ROW"
          + " EXECUTE FUNCTION test_refuse_revocation()").execute().await();

      HttpResponse<String> failed = browser.get(logoutUrl("id_token_hint", hint));

      assertThat(failed.statusCode()).isGreaterThanOrEqualTo(500);
      assertThat(failed.body()).doesNotContain("injected failure", "Exception");
      assertThat(sql.query("SELECT count(*) FROM logout_delivery WHERE sid = '" + sid + "'").execute().await()
          .iterator().next().getLong(0)).as("no delivery without the logout").isZero();
    } finally {
      sql.query("DROP TRIGGER IF EXISTS test_refuse_revocation ON revoked_token").execute().await();
      sql.close().await();
    }
    assertThat(signedIn(browser, "portal-rp")).as("the session was not ended").isTrue();
    int before = received.getOrDefault("portal-rp", new ConcurrentLinkedQueue<>()).size();

    assertThat(browser.get(logoutUrl("id_token_hint", hint)).statusCode()).isEqualTo(200);

    assertThat(signedIn(browser, "portal-rp")).isFalse();
    assertThat(refreshWorks("portal-rp", portal)).isFalse();
    await().atMost(Duration.ofSeconds(20)).until(() -> received.getOrDefault("portal-rp",
        new ConcurrentLinkedQueue<>()).stream().skip(before).anyMatch(t -> sidOf(t).equals(sid)));
  }

  @Test
  void logoutWhenNoHintThenConfirmationWithCsrfAndStayKeepsTheSession() throws Exception {
    Browser browser = new Browser();
    login(browser, "plain-rp", "bob");
    HttpResponse<String> question = browser.get(logoutUrl("client_id", "plain-rp"));
    assertThat(question.statusCode()).isEqualTo(200);
    assertThat(question.body()).contains("Sign out?", "Bob Novak", "name=\"csrf\"");
    Map<String, String> form = Browser.hidden(question.body());
    assertThat(form).containsEntry("client_id", "plain-rp");

    // missing and wrong CSRF token: refused, nothing happens
    Map<String, String> noCsrf = new java.util.HashMap<>(form);
    noCsrf.remove("csrf");
    noCsrf.put("decision", "logout");
    HttpResponse<String> refused = browser.post(base + "/aai/logout/confirm", noCsrf);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("could not be verified");
    noCsrf.put("csrf", "A".repeat(43));
    assertThat(browser.post(base + "/aai/logout/confirm", noCsrf).statusCode()).isEqualTo(403);
    Map<String, String> odd = new java.util.HashMap<>(form);
    odd.put("decision", "maybe");
    assertThat(browser.post(base + "/aai/logout/confirm", odd).statusCode()).isEqualTo(400);
    assertThat(signedIn(browser, "plain-rp")).isTrue();

    Map<String, String> stay = new java.util.HashMap<>(form);
    stay.put("decision", "stay");
    HttpResponse<String> stayed = browser.post(base + "/aai/logout/confirm", stay);
    assertThat(stayed.statusCode()).isEqualTo(200);
    assertThat(stayed.body()).contains("still signed in");
    assertThat(signedIn(browser, "plain-rp")).isTrue();

    Map<String, String> yes = new java.util.HashMap<>(form);
    yes.put("decision", "logout");
    HttpResponse<String> done = browser.post(base + "/aai/logout/confirm", yes);
    assertThat(done.statusCode()).as("no redirect asked for").isEqualTo(200);
    assertThat(done.body()).contains("You are signed out");
    assertThat(signedIn(browser, "plain-rp")).isFalse();
  }

  @Test
  void logoutWhenHintFromAnotherSessionThenConfirmationFirst() throws Exception {
    Browser first = new Browser();
    OIDCTokenResponse old = login(first, "plain-rp", "alice");
    Browser other = new Browser();
    login(other, "plain-rp", "alice");
    HttpResponse<String> question = other.get(logoutUrl("id_token_hint", old.getOIDCTokens().getIDTokenString(),
        "post_logout_redirect_uri", rpBase + "/signed-out/plain-rp", "state", "s1"));
    assertThat(question.statusCode()).isEqualTo(200);
    assertThat(question.body()).contains("Sign out?");
    Map<String, String> yes = Browser.hidden(question.body());
    yes.put("decision", "logout");
    HttpResponse<String> done = other.post(base + "/aai/logout/confirm", yes);
    assertThat(Browser.location(done)).isEqualTo(rpBase + "/signed-out/plain-rp?state=s1");
    assertThat(signedIn(other, "plain-rp")).isFalse();
    assertThat(signedIn(first, "plain-rp")).as("the other browser's session is its own").isTrue();
  }

  @Test
  void logoutWhenRedirectNotRegisteredThenSignedOutPageAndNeverARedirect() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse tokens = login(browser, "plain-rp", "carol");
    HttpResponse<String> out = browser.get(logoutUrl("id_token_hint", tokens.getOIDCTokens().getIDTokenString(),
        "post_logout_redirect_uri", "https://evil.example/phish", "state", "x"));
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Location")).isEmpty();
    assertThat(out.body()).contains("You are signed out", "not registered").doesNotContain("evil.example");
    assertThat(signedIn(browser, "plain-rp")).isFalse();

    // another client's registered address is not this client's
    Browser second = new Browser();
    OIDCTokenResponse t2 = login(second, "plain-rp", "carol");
    HttpResponse<String> crossed = second.get(logoutUrl("id_token_hint", t2.getOIDCTokens().getIDTokenString(),
        "post_logout_redirect_uri", rpBase + "/signed-out/portal-rp"));
    assertThat(crossed.statusCode()).isEqualTo(200);
    assertThat(crossed.headers().firstValue("Location")).isEmpty();
    // without any client to check against, a redirect is never followed
    HttpResponse<String> noClient = new Browser().get(logoutUrl("post_logout_redirect_uri",
        rpBase + "/signed-out/plain-rp"));
    assertThat(noClient.statusCode()).isEqualTo(200);
    assertThat(noClient.body()).contains("You are signed out");
    // no session at all but a valid request: straight back to the registered address
    HttpResponse<String> noSession = new Browser().get(logoutUrl("client_id", "plain-rp", "post_logout_redirect_uri",
        rpBase + "/signed-out/plain-rp", "state", "z"));
    assertThat(Browser.location(noSession)).isEqualTo(rpBase + "/signed-out/plain-rp?state=z");
  }

  @Test
  void logoutWhenHintForgedMalformedOrForAnotherClientThenErrorPageAndSessionKept() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse tokens = login(browser, "plain-rp", "dave");
    JWTClaimsSet genuine = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet();
    String kid = JWKSet.parse(Http.get(base + "/aai/jwks").body()).getKeys().get(0).getKeyID();
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT)
        .build(), genuine);
    forged.sign(new ECDSASigner(attacker));
    String none = new PlainJWT(genuine).serialize();
    for (String hint : List.of(forged.serialize(), none, "not-a-jwt", tokens.getOIDCTokens().getAccessToken().getValue())) {
      HttpResponse<String> r = browser.get(logoutUrl("id_token_hint", hint, "post_logout_redirect_uri",
          rpBase + "/signed-out/plain-rp"));
      assertThat(r.statusCode()).as(hint).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
      assertThat(r.headers().firstValue("Location")).isEmpty();
      assertThat(r.body()).contains("could not verify");
    }
    HttpResponse<String> otherClient = browser.get(logoutUrl("id_token_hint", tokens.getOIDCTokens().getIDTokenString(),
        "client_id", "portal-rp"));
    assertThat(otherClient.statusCode()).isEqualTo(400);
    HttpResponse<String> repeated = browser.get(logoutUrl("state", "a", "state", "b"));
    assertThat(repeated.statusCode()).isEqualTo(400);
    assertThat(repeated.body()).contains("repeats the parameter state");
    assertThat(signedIn(browser, "plain-rp")).as("nothing happened").isTrue();
  }

  @Test
  void logoutWhenHintExpiredThenStillAcceptedAndPostIsRedirectedToGet() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse tokens = login(browser, "plain-rp", "bob");
    clock.advance(Duration.ofMinutes(10));
    assertThat(tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getExpirationTime()).isBefore(Date.from(clock.instant()));
    HttpResponse<String> posted = browser.post(base + "/aai/logout", Map.of("id_token_hint",
        tokens.getOIDCTokens().getIDTokenString(), "state", "q"));
    assertThat(posted.statusCode()).isEqualTo(303);
    String location = Browser.location(posted);
    assertThat(location).startsWith("logout?id_token_hint=");
    HttpResponse<String> out = browser.get(base + "/aai/" + location);
    assertThat(out.statusCode()).as("same session: no question").isEqualTo(200);
    assertThat(out.body()).contains("You are signed out");
    assertThat(signedIn(browser, "plain-rp")).isFalse();
  }

  @Test
  void backChannelWhenSessionExpiresThenClientsTold() throws Exception {
    int before = received.getOrDefault("portal-rp", new ConcurrentLinkedQueue<>()).size();
    Browser browser = new Browser();
    OIDCTokenResponse tokens = login(browser, "portal-rp", "dave");
    String sid = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid");
    clock.advance(Duration.ofHours(9));
    await().atMost(Duration.ofSeconds(20)).until(() -> received.getOrDefault("portal-rp",
        new ConcurrentLinkedQueue<>()).stream().skip(before).anyMatch(t -> sidOf(t).equals(sid)));
    String token = received.get("portal-rp").stream().skip(before).filter(t -> sidOf(t).equals(sid)).findFirst()
        .orElseThrow();
    assertThat(validate(token, "portal-rp").getSubject().getValue())
        .isEqualTo(tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getSubject());
    assertThat(signedIn(browser, "portal-rp")).isFalse();
  }

  static String sidOf(String logoutToken) {
    try {
      return String.valueOf(SignedJWT.parse(logoutToken).getJWTClaimsSet().getClaim("sid"));
    } catch (java.text.ParseException e) {
      return "";
    }
  }

  @Test
  void backChannelWhenClientAnswers503ThenRetried() throws Exception {
    failFirst.put("wiki-rp", new AtomicInteger(1));
    int before = received.getOrDefault("wiki-rp", new ConcurrentLinkedQueue<>()).size();
    Browser browser = new Browser();
    OIDCTokenResponse tokens = login(browser, "wiki-rp", "carol");
    HttpResponse<String> out = browser.get(logoutUrl("id_token_hint", tokens.getOIDCTokens().getIDTokenString()));
    assertThat(out.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> received.get("wiki-rp").size() >= before + 2);
    List<String> tokensSeen = List.copyOf(received.get("wiki-rp")).subList(before, before + 2);
    assertThat(sidOf(tokensSeen.get(1))).as("a logout token for the same session again")
        .isEqualTo(sidOf(tokensSeen.get(0)));
    assertThat(validate(tokensSeen.get(1), "wiki-rp").getSessionID().getValue())
        .isEqualTo(tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid"));
    failFirst.remove("wiki-rp");
  }

  @Test
  void backChannelWhenClientDownAcrossAPlatformRestartThenDeliveredAfterTheRestart() throws Exception {
    failFirst.put("portal-rp", new AtomicInteger(Integer.MAX_VALUE));
    int before = received.getOrDefault("portal-rp", new ConcurrentLinkedQueue<>()).size();
    Browser browser = new Browser();
    OIDCTokenResponse tokens = login(browser, "portal-rp", "bob");
    String sid = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid");
    assertThat(browser.get(logoutUrl("id_token_hint", tokens.getOIDCTokens().getIDTokenString())).statusCode())
        .isEqualTo(200);
    // the relying party refuses with 503: the delivery stays in the outbox, retried
    await().atMost(Duration.ofSeconds(20)).until(() -> received.getOrDefault("portal-rp",
        new ConcurrentLinkedQueue<>()).stream().skip(before).filter(t -> sidOf(t).equals(sid)).count() >= 2);

    platform.stop().get(60, TimeUnit.SECONDS);
    failFirst.remove("portal-rp");
    int afterStop = received.get("portal-rp").size();
    platform = AaiPlatform.start(dataDir, true, SETTINGS, clock);
    base = platform.baseUrl().toString();

    await().atMost(Duration.ofSeconds(30)).until(() -> received.get("portal-rp").stream().skip(afterStop)
        .anyMatch(t -> sidOf(t).equals(sid)));
    String token = received.get("portal-rp").stream().skip(afterStop).filter(t -> sidOf(t).equals(sid))
        .findFirst().orElseThrow();
    assertThat(validate(token, "portal-rp").getSessionID().getValue()).isEqualTo(sid);
    var sql = platform.database().pool(platform.vertx(), "aai");
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> sql.query("SELECT count(*) FROM logout_delivery WHERE sid = '"
          + sid + "'").execute().await().iterator().next().getLong(0) == 0);
    } finally {
      sql.close().await();
    }
  }
}
