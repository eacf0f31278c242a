package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import eu.panosc.aai.saml.slo.LogoutCodec;
import eu.panosc.aai.saml.slo.LogoutMessage;
import eu.panosc.aai.saml.sp.SamlKeyType;
import eu.panosc.aai.saml.sp.SamlKeys;
import eu.panosc.aai.saml.sp.SamlSubject;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import eu.panosc.platform.config.KeysConfig;
import eu.panosc.platform.crypto.KeyEncryptionKeys;
import eu.panosc.platform.keys.PgKeyStorage;
import eu.panosc.platform.keys.RotatingSigningKeys;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAML Single Logout in demo mode, both directions, through a real browser flow (JDK HttpClient with cookies): a
 * person signs in to facility clients through the demo UmbrellaID stand-in; then (SP-initiated) the client's
 * RP-initiated logout ends the broker session, goes to the IdP with a signed LogoutRequest and comes back to the
 * client's post-logout URI; or (IdP-initiated) the stand-in's "Sign out of all applications" sends a signed
 * LogoutRequest that ends the broker session and is answered Success, or PartialLogout when a facility's back channel
 * fails. Back-channel deliveries are observed at a real relying party (a Vert.x HTTP server). Crafted requests
 * (unsigned, foreign key, unknown issuer, expired, misaddressed, replayed, naming nobody) end nothing.
 */
class SamlSingleLogoutIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">");
  @TempDir
  static Path dataDir;
  static Platform platform;
  static String base;
  static Vertx rpVertx;
  static HttpServer rp;
  static String rpBase;
  static final Map<String, Queue<String>> received = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> failFirst = new ConcurrentHashMap<>();
  static final Map<String, String> secrets = new ConcurrentHashMap<>();
  static SamlKeys idpKeys;
  static SamlKeys spKeys;

  @BeforeAll
  static void start() throws Exception {
    rpVertx = Vertx.vertx();
    Router router = Router.router(rpVertx);
    router.post("/bc/:client").handler(BodyHandler.create()).handler(ctx -> {
      String client = ctx.pathParam("client");
      AtomicInteger fail = failFirst.get(client);
      boolean refuse = fail != null && fail.getAndDecrement() > 0;
      if (!refuse) {
        received.computeIfAbsent(client, k -> new ConcurrentLinkedQueue<>())
            .add(String.valueOf(ctx.request().getFormAttribute("logout_token")));
      }
      ctx.response().setStatusCode(refuse ? 503 : 200).end();
    });
    rp = rpVertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    rpBase = "http://localhost:" + rp.actualPort();
    platform = AaiPlatform.start(dataDir, true, Map.of("services.aai.backchannelLogoutRetryDelay", "200ms",
        "services.aai.backchannelLogoutTimeout", "2s", "services.aai.backchannelLogoutPoll", "200ms"));
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    String admin = TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new com.nimbusds.oauth2.sdk.Scope("registry:admin"))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
    for (String[] c : List.of(new String[] {"portal-slo", "esrf"}, new String[] {"wiki-slo", "ill"},
        new String[] {"flaky-slo", "ill"})) {
      register(admin, c[0], c[1]);
    }
    idpKeys = storedKeys("saml_demo_idp_key");
    spKeys = storedKeys("saml_sp_signing_key");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
    rpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static void register(String admin, String id, String facility) {
    JsonObject client = new JsonObject().put("clientId", id).put("facility", facility).put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("redirectUris", new JsonArray().add(rpBase + "/cb/" + id))
        .put("postLogoutRedirectUris", new JsonArray().add(rpBase + "/signed-out/" + id))
        .put("scopes", new JsonArray().add("openid").add("profile"))
        .put("backchannelLogoutUri", rpBase + "/bc/" + id).put("backchannelLogoutSessionRequired", true);
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, client.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    secrets.put(id, new JsonObject(created.body()).getString("clientSecret"));
    HttpResponse<String> approved = Http.sendJson("POST", base + "/registry/admin/v1/clients/" + id + "/approve",
        admin, null);
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
  }

  /** Keys as the broker stored them in {@code table} (sealed under the KEK the platform generated). */
  static SamlKeys storedKeys(String table) {
    Pool pool = platform.database().pool(platform.vertx(), "aai");
    try {
      var envelopes = KeyEncryptionKeys.load(new KeysConfig(Optional.of(dataDir.resolve(KeyEncryptionKeys.GENERATED)),
          Optional.empty(), List.of(), List.of()), dataDir, false, Map.of());
      return new SamlKeys(RotatingSigningKeys.open(new PgKeyStorage(pool, "aai", table, envelopes),
          Clock.systemUTC(), Duration.ofDays(30), Duration.ofDays(2),
          new SamlKeyType("test", KeyUse.SIGNATURE, Clock.systemUTC()), null).await());
    } finally {
      pool.close().await();
    }
  }

  /** Signs {@code browser} in to {@code client} through the demo stand-in (or its sessions); the client's tokens. */
  static OIDCTokenResponse login(Browser browser, String client, String user) throws Exception {
    URI redirect = URI.create(rpBase + "/cb/" + client);
    HttpResponse<String> page = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=" + client + "&state=s&nonce=n&redirect_uri=" + Browser.enc(redirect.toString()));
    if (page.statusCode() == 200 && page.body().contains("class=\"upstream\"")) {
      Matcher link = UPSTREAM_LINK.matcher(page.body());
      assertThat(link.find()).isTrue();
      HttpResponse<String> toIdp = browser.get(base + "/aai/" + link.group(1).replace("&amp;", "&"));
      HttpResponse<String> idp = browser.get(Browser.location(toIdp));
      Map<String, String> fields = Browser.hidden(idp.body());
      if (!fields.containsKey("SAMLResponse")) {
        fields.put("username", user);
        fields.put("password", user + "-demo-pw");
        fields = Browser.hidden(browser.post(base + "/aai/demo/umbrellaid/login", fields).body());
      }
      page = browser.post(base + "/aai/saml2/sp/acs", fields);
    }
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    var r = com.nimbusds.oauth2.sdk.AuthorizationResponse.parse(URI.create(Browser.location(page)));
    TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID(client), new Secret(secrets.get(client))),
        new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(r.toSuccessResponse().getAuthorizationCode(), redirect))
        .toHTTPRequest().send());
    assertThat(tokens.indicatesSuccess()).isTrue();
    return (OIDCTokenResponse) tokens.toSuccessResponse();
  }

  static boolean refreshWorks(String client, OIDCTokenResponse tokens) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID(client), new Secret(secrets.get(client))),
        new com.nimbusds.oauth2.sdk.RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())).toHTTPRequest()
        .send()).indicatesSuccess();
  }

  /** Whether the browser still has a live broker session: a new authorization request goes straight back. */
  static boolean signedIn(Browser browser, String client) {
    return browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile&client_id=" + client
        + "&state=s&redirect_uri=" + Browser.enc(rpBase + "/cb/" + client)).statusCode() == 302;
  }

  static int count(String client) {
    return received.getOrDefault(client, new ConcurrentLinkedQueue<>()).size();
  }

  static String sidOf(OIDCTokenResponse tokens) throws Exception {
    return tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid");
  }

  /** Whether a logout token naming {@code sid} reached {@code client}. */
  static boolean told(String client, String sid) {
    return received.getOrDefault(client, new ConcurrentLinkedQueue<>()).stream().anyMatch(t -> {
      try {
        return sid.equals(SignedJWT.parse(t).getJWTClaimsSet().getStringClaim("sid"));
      } catch (java.text.ParseException e) {
        return false;
      }
    });
  }

  private static String query(String url) {
    return URI.create(url).getRawQuery();
  }

  private static LogoutMessage readAtIdp(String url) {
    return LogoutCodec.redirect(query(url), issuer -> Optional.of(spKeys.published()));
  }

  @Test
  void spInitiatedWhenClientLogsOutThenIdpLoggedOutEveryClientToldAndBackToThePostLogoutUri() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse portal = login(browser, "portal-slo", "alice");
    OIDCTokenResponse wiki = login(browser, "wiki-slo", "alice");
    String sid = sidOf(portal);
    assertThat(sidOf(wiki)).isEqualTo(sid);

    HttpResponse<String> out = browser.get(base + "/aai/logout?id_token_hint="
        + portal.getOIDCTokens().getIDTokenString() + "&post_logout_redirect_uri="
        + Browser.enc(rpBase + "/signed-out/portal-slo") + "&state=st1");
    assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
    String toIdp = Browser.location(out);
    assertThat(toIdp).startsWith(base + "/aai/demo/umbrellaid/slo?SAMLRequest=").contains("&Signature=")
        .doesNotContain("signed-out");
    assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith("panosc_aai_session=").contains("Max-Age=0"));
    LogoutMessage request = readAtIdp(toIdp);
    assertThat(request.nameId()).isNotBlank();
    assertThat(request.sessionIndexes()).hasSize(1);
    assertThat(request.relayState()).matches("[A-Za-z0-9_-]{43}");
    await().atMost(Duration.ofSeconds(20)).until(() -> told("portal-slo", sid) && told("wiki-slo", sid));
    assertThat(refreshWorks("portal-slo", portal)).isFalse();

    HttpResponse<String> atIdp = browser.get(toIdp);
    assertThat(atIdp.statusCode()).as(atIdp.body()).isEqualTo(303);
    String back = Browser.location(atIdp);
    assertThat(back).startsWith(base + "/aai/saml2/sp/slo?SAMLResponse=");
    assertThat(browser.get(base + "/aai/demo/umbrellaid/account").body()).contains("not signed in");

    HttpResponse<String> done = browser.get(back);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(Browser.location(done)).isEqualTo(rpBase + "/signed-out/portal-slo?state=st1");

    HttpResponse<String> replayed = new Browser().get(back);
    assertThat(replayed.statusCode()).isEqualTo(400);
    assertThat(replayed.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(replayed.body()).contains("Sign-out not known here").doesNotContain("Exception");
  }

  @Test
  void idpInitiatedWhenSignOutAtTheIdpThenBrokerSessionEndsEveryClientToldAndSuccess() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse portal = login(browser, "portal-slo", "bob");
    OIDCTokenResponse wiki = login(browser, "wiki-slo", "bob");
    String sid = sidOf(portal);

    HttpResponse<String> idpPage = browser.get(base + "/aai/demo/umbrellaid/account");
    assertThat(idpPage.body()).contains("Sign out of all applications");
    HttpResponse<String> start = browser.post(base + "/aai/demo/umbrellaid/logout", Browser.hidden(idpPage.body()));
    assertThat(start.statusCode()).as(start.body()).isEqualTo(303);
    String toSp = Browser.location(start);
    assertThat(toSp).startsWith(base + "/aai/saml2/sp/slo?SAMLRequest=");

    HttpResponse<String> atSp = browser.get(toSp);
    assertThat(atSp.statusCode()).as(atSp.body()).isEqualTo(303);
    String answer = Browser.location(atSp);
    assertThat(answer).startsWith(base + "/aai/demo/umbrellaid/slo?SAMLResponse=");
    LogoutMessage response = readAtIdp(answer);
    assertThat(response.status()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
    assertThat(response.subStatus()).as("every facility reached").isNull();
    assertThat(told("portal-slo", sid) && told("wiki-slo", sid)).as("told before answering").isTrue();
    assertThat(refreshWorks("wiki-slo", wiki)).isFalse();
    assertThat(atSp.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith("panosc_aai_session=").contains("Max-Age=0"));

    HttpResponse<String> finished = browser.get(answer);
    assertThat(finished.body()).contains("Signed out everywhere").contains("every facility was told");
    assertThat(browser.get(base + "/aai/authorize?response_type=code&scope=openid&client_id=portal-slo&state=s"
        + "&redirect_uri=" + Browser.enc(rpBase + "/cb/portal-slo")).body()).as("signed out: the login page")
        .contains("class=\"upstream\"");

    HttpResponse<String> replay = new Browser().get(toSp);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("Sign-out request already used");
  }

  @Test
  void idpInitiatedWhenAFacilityIsNotReachedThenPartialLogout() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse flaky = login(browser, "flaky-slo", "alice");
    failFirst.put("flaky-slo", new AtomicInteger(1));

    HttpResponse<String> idpPage = browser.get(base + "/aai/demo/umbrellaid/account");
    String toSp = Browser.location(browser.post(base + "/aai/demo/umbrellaid/logout",
        Browser.hidden(idpPage.body())));
    HttpResponse<String> atSp = browser.get(toSp);
    assertThat(atSp.statusCode()).as(atSp.body()).isEqualTo(303);
    LogoutMessage response = readAtIdp(Browser.location(atSp));
    assertThat(response.status()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
    assertThat(response.subStatus()).isEqualTo(LogoutCodec.PARTIAL_LOGOUT);
    assertThat(browser.get(Browser.location(atSp)).body()).contains("partial logout");
    // the outbox keeps trying: the facility is told later
    String sid = sidOf(flaky);
    await().atMost(Duration.ofSeconds(20)).until(() -> told("flaky-slo", sid));
  }

  @Test
  void sloWhenCraftedRequestsThenHumanPageAndNoSessionEnded() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse portal = login(browser, "portal-slo", "carol");
    String slo = base + "/aai/saml2/sp/slo";
    String idp = base + "/aai/demo/umbrellaid";
    // a LogoutRequest naming every session of some NameID at the demo IdP (no SessionIndex)
    SamlSubject anyone = new SamlSubject(idp, "whoever", null, null, null, null);
    Instant now = Instant.now();

    Map<String, String> crafted = new java.util.LinkedHashMap<>();
    String good = LogoutCodec.redirectRequest(slo, idp, anyone, "_c1", null, idpKeys.current(), now,
        Duration.ofMinutes(5));
    crafted.put("unsigned", good.substring(0, good.indexOf("&SigAlg=")));
    crafted.put("foreign key", LogoutCodec.redirectRequest(slo, idp, anyone, "_c2", null,
        TestSamlKeys.other().current(), now, Duration.ofMinutes(5)));
    crafted.put("unknown issuer", LogoutCodec.redirectRequest(slo, "https://evil.example/idp", anyone, "_c3", null,
        TestSamlKeys.other().current(), now, Duration.ofMinutes(5)));
    crafted.put("expired", LogoutCodec.redirectRequest(slo, idp, anyone, "_c4", null, idpKeys.current(),
        now.minus(Duration.ofMinutes(20)), Duration.ofMinutes(5)));
    crafted.put("misaddressed", LogoutCodec.redirectRequest("https://elsewhere.example/slo", idp, anyone, "_c5", null,
        idpKeys.current(), now, Duration.ofMinutes(5)).replace("https://elsewhere.example/slo", slo));
    crafted.put("garbage", slo + "?SAMLRequest=bm90IGRlZmxhdGU%3D");
    crafted.put("nothing", slo);
    for (var e : crafted.entrySet()) {
      HttpResponse<String> r = new Browser().get(e.getValue());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).as(e.getKey()).contains("text/html; charset=utf-8");
      assertThat(r.body()).as(e.getKey()).contains("Sign-out").doesNotContain("Exception");
    }
    HttpResponse<String> posted = new Browser().post(slo, Map.of("SAMLRequest", LogoutCodec.postRequest(slo, idp,
        anyone, "_c6", TestSamlKeys.other().current(), now, Duration.ofMinutes(5))));
    assertThat(posted.statusCode()).isEqualTo(400);
    assertThat(posted.body()).contains("Sign-out request not accepted");
    for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("RelayState", "x"),
        Map.of("SAMLRequest", "a", "SAMLResponse", "b"))) {
      HttpResponse<String> r = new Browser().post(slo, form);
      assertThat(r.statusCode()).as(form.toString()).isEqualTo(400);
      assertThat(r.body()).as(form.toString()).contains("Sign-out request not accepted");
    }
    // a LogoutResponse signed by the IdP but answering no logout of ours (a RelayState we never issued)
    HttpResponse<String> stray = new Browser().get(LogoutCodec.redirectResponse(slo, idp, "_never-sent",
        "urn:oasis:names:tc:SAML:2.0:status:Success", null, "A".repeat(43), idpKeys.current(), now));
    assertThat(stray.statusCode()).isEqualTo(400);
    assertThat(stray.body()).contains("Sign-out not known here");
    // the demo IdP's own sign-out form is CSRF-protected
    HttpResponse<String> forged = browser.post(idp + "/logout", Map.of("csrf", "B".repeat(43)));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(signedIn(browser, "portal-slo")).as("no session ended by a refused request").isTrue();

    // a valid request naming nobody here: a signed Requester/UnknownPrincipal answer to the IdP, nothing ended
    HttpResponse<String> nobody = new Browser().get(LogoutCodec.redirectRequest(slo, idp, anyone, "_c7", "rs",
        idpKeys.current(), now, Duration.ofMinutes(5)));
    assertThat(nobody.statusCode()).as(nobody.body()).isEqualTo(303);
    LogoutMessage answer = readAtIdp(Browser.location(nobody));
    assertThat(answer.status()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Requester");
    assertThat(answer.subStatus()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal");
    assertThat(answer.inResponseTo()).isEqualTo("_c7");
    assertThat(answer.relayState()).isEqualTo("rs");
    assertThat(signedIn(browser, "portal-slo")).isTrue();
    assertThat(refreshWorks("portal-slo", portal)).as("its grant was not revoked either").isTrue();
  }

  @Test
  void idpInitiatedWhenPostBindingRequestNamesTheSessionThenItEndsAndEveryClientIsTold() throws Exception {
    Browser browser = new Browser();
    OIDCTokenResponse portal = login(browser, "portal-slo", "alice");
    String sid = sidOf(portal);
    // the IdP's own LogoutRequest (HTTP-Redirect) tells us what it names; the same, sent over HTTP-POST, ends it
    HttpResponse<String> idpPage = browser.get(base + "/aai/demo/umbrellaid/account");
    LogoutMessage named = LogoutCodec.redirect(query(Browser.location(browser.post(base
        + "/aai/demo/umbrellaid/logout", Browser.hidden(idpPage.body())))), issuer -> Optional.of(idpKeys.published()));
    String slo = base + "/aai/saml2/sp/slo";
    SamlSubject subject = new SamlSubject(named.issuer(), named.nameId(), named.nameIdFormat(), named.nameQualifier(),
        named.spNameQualifier(), named.sessionIndexes().get(0));

    HttpResponse<String> r = new Browser().post(slo, Map.of("SAMLRequest", LogoutCodec.postRequest(slo,
        named.issuer(), subject, "_post1", idpKeys.current(), Instant.now(), Duration.ofMinutes(5)),
        "RelayState", "post-relay"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    LogoutMessage answer = readAtIdp(Browser.location(r));
    assertThat(answer.status()).isEqualTo("urn:oasis:names:tc:SAML:2.0:status:Success");
    assertThat(answer.inResponseTo()).isEqualTo("_post1");
    assertThat(told("portal-slo", sid)).isTrue();
    assertThat(refreshWorks("portal-slo", portal)).isFalse();
  }
}
