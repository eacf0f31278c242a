package eu.panosc.aai;

import static eu.panosc.aai.SignInSteps.code;
import static eu.panosc.aai.SignInSteps.follow;
import static eu.panosc.aai.SignInSteps.form;
import static eu.panosc.aai.SignInSteps.hiddenValues;
import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery page and the account pages over HTTP, in demo mode with its two upstreams: the demo users' password
 * form ({@code demo}) and the UmbrellaID stand-in over SAML ({@code umbrellaid}). Choosing, searching (also hostile
 * text), {@code idp_hint} (known, unknown), the remembered choice, clients restricted to some upstreams (and a login
 * forced through another one), the account page (identities, sessions, consents, CSRF, another user's session id),
 * and linking: the confirmed link makes both identities one user with the same pairwise {@code sub}; an identity of
 * another user is refused with a page; unlinking.
 */
class AccountLinkingIT {
  private static final String CLI_REDIRECT = "http://127.0.0.1/callback";

  @TempDir
  static Path dataDir;
  static Platform platform;
  static String base;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    admin = SignInSteps.registryAdminToken(base);
    restrictedClient("umbrella-only", "umbrellaid");
    restrictedClient("demo-only", "demo");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  /** A public client whose users may sign in only through {@code upstream}, approved. */
  static void restrictedClient(String id, String upstream) {
    SignInSteps.restrictedClient(base, admin, id, upstream);
  }

  static String pkce(String verifier) throws Exception {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  static String authorizeCli(String extra) throws Exception {
    return base + "/aai/authorize?response_type=code&scope=openid&client_id=panosc-cli&state=s"
        + "&redirect_uri=" + Browser.enc(CLI_REDIRECT) + "&code_challenge=" + pkce("v".repeat(50))
        + "&code_challenge_method=S256" + extra;
  }

  static String authorize(String client, String extra) throws Exception {
    return base + "/aai/authorize?response_type=code&scope=openid&client_id=" + client + "&state=s"
        + "&redirect_uri=" + Browser.enc("http://localhost:9/cb/" + client) + "&code_challenge="
        + pkce("v".repeat(50)) + "&code_challenge_method=S256" + extra;
  }

  /** The {@code req} of a sign-in page. */
  static String req(HttpResponse<String> page) {
    String req = Browser.hidden(page.body()).get("req");
    assertThat(req).as(page.body()).isNotNull();
    return req;
  }

  /**
   * From a sign-in page served at {@code pageUrl}: the UmbrellaID link, the stand-in's login as {@code user}, the
   * auto-post to the ACS; the ACS's answer.
   */
  static HttpResponse<String> throughTheStandIn(Browser browser, String pageUrl, HttpResponse<String> page,
      String user) {
    return SignInSteps.throughUmbrellaId(browser, base, pageUrl, page, user);
  }

  /** Signs {@code browser} in to the account page with the demo password form; the account page. */
  static HttpResponse<String> accountSignIn(Browser browser, String user) {
    HttpResponse<String> toSignIn = browser.get(base + "/aai/account");
    assertThat(toSignIn.statusCode()).as("signed out: through the sign-in").isEqualTo(303);
    String discovery = follow(base + "/aai/account", toSignIn);
    assertThat(discovery).startsWith(base + "/aai/discovery?req=");
    HttpResponse<String> page = browser.get(discovery);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("your PaNOSC account");
    HttpResponse<String> signedIn = browser.login(base, page, user, user + "-demo-pw");
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(follow(base + "/aai/login", signedIn)).isEqualTo(base + "/aai/account");
    HttpResponse<String> account = browser.get(base + "/aai/account");
    assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
    return account;
  }

  /** The ID token's {@code sub} for scicat-esrf (facility esrf) from the code. */
  static String esrfSub(String code) {
    return SignInSteps.esrfSub(base, code);
  }

  static String esrfAuthorize() {
    return SignInSteps.esrfAuthorize(base, "");
  }

  @Test
  void discoveryWhenTwoUpstreamsThenListedAccessibleSearchableWithoutJavaScript() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> page = browser.get(authorizeCli(""));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<html lang=\"en\">").contains("Sign in with UmbrellaID (demo)")
        .contains("name=\"password\"").contains("<label for=\"q\">").contains("<form method=\"get\" action=\"discovery\"");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
    String req = req(page);

    HttpResponse<String> umbrella = browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q=UMBRELLA");
    assertThat(umbrella.statusCode()).isEqualTo(200);
    assertThat(umbrella.body()).contains("Sign in with UmbrellaID (demo)").doesNotContain("name=\"password\"");
    String host = URI.create(base).getHost();
    assertThat(browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q=" + host).body())
        .as("found by its domain").contains("Sign in with UmbrellaID (demo)");
    HttpResponse<String> demo = browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q=demo+users");
    assertThat(demo.body()).contains("name=\"password\"").doesNotContain("class=\"upstream\"");

    HttpResponse<String> hostile = browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q="
        + Browser.enc("<script>alert(1)</script>\"'"));
    assertThat(hostile.statusCode()).isEqualTo(200);
    assertThat(hostile.body()).contains("No identity provider matches").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert");
    HttpResponse<String> tooLong = browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q=" + "x".repeat(300));
    assertThat(tooLong.statusCode()).isEqualTo(200);
    assertThat(tooLong.body()).contains("could not be used").contains("Sign in with UmbrellaID (demo)");
    HttpResponse<String> control = browser.get(base + "/aai/discovery?req=" + Browser.enc(req) + "&q=a%01b");
    assertThat(control.statusCode()).isEqualTo(400);
    assertThat(control.body()).contains("Request not understood").doesNotContain("Exception");

    HttpResponse<String> noReq = browser.get(base + "/aai/discovery");
    assertThat(noReq.statusCode()).isEqualTo(400);
    assertThat(noReq.body()).contains("Start from your application");
    HttpResponse<String> unknownReq = browser.get(base + "/aai/discovery?req=not-pending");
    assertThat(unknownReq.statusCode()).isEqualTo(400);
    assertThat(unknownReq.body()).contains("This page has expired");
  }

  @Test
  void idpHintWhenKnownThenPageSkippedAndChoiceRememberedWhenUnknownThenPageWithNotice() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> straight = browser.get(authorizeCli("&idp_hint=umbrellaid"));
    assertThat(straight.statusCode()).as(straight.body()).isEqualTo(303);
    assertThat(Browser.location(straight)).startsWith("saml2/sp/login?req=").contains("&upstream=umbrellaid");
    String cookie = straight.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("panosc_aai_idp="))
        .findFirst().orElseThrow();
    assertThat(cookie.toLowerCase(java.util.Locale.ROOT)).contains("httponly").contains("samesite=lax");
    assertThat(cookie).contains("Max-Age=7776000")
        .contains("Path=/aai");

    HttpResponse<String> again = browser.get(authorizeCli(""));
    assertThat(again.body()).as("the remembered choice comes first").contains("Your last choice")
        .containsSubsequence("Your last choice", "Sign in with UmbrellaID (demo)", "name=\"password\"");

    HttpResponse<String> password = new Browser().get(authorizeCli("&idp_hint=demo"));
    assertThat(password.statusCode()).isEqualTo(200);
    assertThat(password.body()).contains("name=\"password\"").doesNotContain("class=\"upstream\"");

    for (String hint : List.of("https://evil.example/", "nobody", "x".repeat(2000))) {
      HttpResponse<String> unknown = new Browser().get(authorizeCli("&idp_hint=" + Browser.enc(hint)));
      assertThat(unknown.statusCode()).as(hint).isEqualTo(200);
      assertThat(unknown.headers().firstValue("Location")).as("never a redirect").isEmpty();
      assertThat(unknown.body()).contains("not available for it here").contains("Sign in with UmbrellaID (demo)")
          .doesNotContain("evil.example");
    }

    Browser forged = new Browser();
    forged.setCookie(base, "panosc_aai_idp", "%%%not-base64");
    HttpResponse<String> withForged = forged.get(authorizeCli(""));
    assertThat(withForged.statusCode()).isEqualTo(200);
    assertThat(withForged.body()).doesNotContain("Your last choice");
  }

  @Test
  void idpHintWhenPushedThenTheRequestUriSkipsThePageToo() throws Exception {
    HttpResponse<String> pushed = new Browser().post(base + "/aai/par", Map.of("client_id", "panosc-cli",
        "response_type", "code", "scope", "openid", "redirect_uri", CLI_REDIRECT, "code_challenge", pkce("p".repeat(50)),
        "code_challenge_method", "S256", "state", "par", "idp_hint", "umbrellaid"));
    assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
    String requestUri = new JsonObject(pushed.body()).getString("request_uri");
    HttpResponse<String> straight = new Browser().get(base + "/aai/authorize?client_id=panosc-cli&request_uri="
        + Browser.enc(requestUri));
    assertThat(straight.statusCode()).as(straight.body()).isEqualTo(303);
    assertThat(Browser.location(straight)).startsWith("saml2/sp/login?req=").contains("&upstream=umbrellaid");
  }

  @Test
  void allowedUpstreamsWhenClientRestrictedThenOnlyThoseOfferedAndAForcedLoginElsewhereRefused() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> only = browser.get(authorize("umbrella-only", ""));
    assertThat(only.statusCode()).as("one upstream allowed: the page is skipped").isEqualTo(303);
    String start = Browser.location(only);
    assertThat(start).startsWith("saml2/sp/login?req=").contains("upstream=umbrellaid");
    String req = java.net.URLDecoder.decode(start.replaceAll(".*req=([^&]+).*", "$1"), StandardCharsets.UTF_8);

    HttpResponse<String> hinted = browser.get(authorize("umbrella-only", "&idp_hint=demo"));
    assertThat(hinted.statusCode()).isEqualTo(200);
    assertThat(hinted.body()).contains("not available for it here").contains("Sign in with UmbrellaID (demo)")
        .doesNotContain("name=\"password\"");

    // forced: the password form posted for a client that allows only UmbrellaID
    HttpResponse<String> page = browser.get(base + "/aai/discovery?req=" + Browser.enc(req));
    assertThat(page.statusCode()).as("the discovery URL skips the page too").isEqualTo(303);
    Map<String, String> forced = Map.of("req", req, "csrf", browser.cookie("panosc_aai_csrf"), "username", "alice",
        "password", "alice-demo-pw");
    HttpResponse<String> refused = browser.post(base + "/aai/login", forced);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("Not available for this application");
    assertThat(browser.cookie("panosc_aai_session")).isNull();

    Browser other = new Browser();
    HttpResponse<String> demoOnly = other.get(authorize("demo-only", ""));
    assertThat(demoOnly.statusCode()).isEqualTo(200);
    assertThat(demoOnly.body()).contains("name=\"password\"").doesNotContain("UmbrellaID");
    String demoReq = req(demoOnly);
    HttpResponse<String> forcedSaml = other.get(base + "/aai/saml2/sp/login?req=" + Browser.enc(demoReq)
        + "&upstream=umbrellaid");
    assertThat(forcedSaml.statusCode()).isEqualTo(403);
    assertThat(forcedSaml.body()).contains("Not available for this application");
    assertThat(forcedSaml.headers().firstValue("Location")).isEmpty();
    HttpResponse<String> ok = other.login(base, demoOnly, "alice", "alice-demo-pw");
    assertThat(ok.statusCode()).as("the allowed upstream works").isIn(200, 302);
  }

  @Test
  void accountWhenSignedInThenSessionsEachSignedOutConsentsRevokedAndForeignOrUnverifiedFormsRefused()
      throws Exception {
    Browser carol = new Browser();
    HttpResponse<String> account = accountSignIn(carol, "carol");
    assertThat(account.body()).contains("Your account").contains("carol@demo.panosc.eu").contains("(this browser)")
        .contains("Link another account").contains("Applications you allowed");

    // a consent, then revoked
    HttpResponse<String> consent = carol.get(authorizeCli(""));
    assertThat(consent.body()).contains("Allow access?");
    HttpResponse<String> withCode = carol.consent(base, consent, true);
    assertThat(withCode.statusCode()).isEqualTo(302);
    HttpResponse<String> tokens = new Browser().post(base + "/aai/token", Map.of("grant_type", "authorization_code",
        "code", code(withCode), "redirect_uri", CLI_REDIRECT, "client_id", "panosc-cli", "code_verifier", "v".repeat(50)));
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    String refreshToken = new JsonObject(tokens.body()).getString("refresh_token");
    assertThat(refreshToken).isNotNull();
    account = carol.get(base + "/aai/account");
    assertThat(account.body()).contains("class=\"consent\"").contains("openid");
    Map<String, String> revoke = form(account, "/aai/account/consents/revoke", "client", "panosc-cli");
    HttpResponse<String> revoked = carol.post(base + "/aai/account/consents/revoke", revoke);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(303);
    assertThat(carol.get(base + "/aai/account").body()).doesNotContain("class=\"consent\"");
    HttpResponse<String> refreshed = new Browser().post(base + "/aai/token", Map.of("grant_type", "refresh_token",
        "refresh_token", refreshToken, "client_id", "panosc-cli"));
    assertThat(refreshed.statusCode()).as("the grant went with the consent").isEqualTo(400);
    assertThat(refreshed.body()).contains("invalid_grant");
    assertThat(carol.get(authorizeCli("")).body()).as("asked again").contains("Allow access?");
    HttpResponse<String> again = carol.post(base + "/aai/account/consents/revoke", revoke);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).contains("No such permission");

    // a second session of carol's, signed out from the first browser
    int before = hiddenValues(carol.get(base + "/aai/account"), "sid").size();
    Browser carol2 = new Browser();
    accountSignIn(carol2, "carol");
    account = carol.get(base + "/aai/account");
    List<String> sids = hiddenValues(account, "sid");
    assertThat(sids).as("one more session of carol's").hasSize(before + 1);
    Browser bob = new Browser();
    HttpResponse<String> bobs = accountSignIn(bob, "bob");
    String bobSid = hiddenValues(bobs, "sid").get(0);

    Map<String, String> foreign = form(account, "/aai/account/sessions/end", "sid", sids.get(0));
    foreign.put("sid", bobSid);
    HttpResponse<String> notYours = carol.post(base + "/aai/account/sessions/end", foreign);
    assertThat(notYours.statusCode()).isEqualTo(404);
    assertThat(notYours.body()).contains("No such session").doesNotContain("Exception");
    assertThat(bob.get(base + "/aai/account").statusCode()).as("bob is still signed in").isEqualTo(200);

    Map<String, String> noCsrf = form(account, "/aai/account/sessions/end", "sid", sids.get(0));
    noCsrf.remove("csrf");
    HttpResponse<String> missing = carol.post(base + "/aai/account/sessions/end", noCsrf);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("could not be verified");
    noCsrf.put("csrf", "A".repeat(43));
    assertThat(carol.post(base + "/aai/account/sessions/end", noCsrf).statusCode()).isEqualTo(403);
    assertThat(carol.post(base + "/aai/account/link", Map.of()).statusCode()).isEqualTo(403);
    assertThat(new Browser().post(base + "/aai/account/unlink", Map.of("csrf", "x")).statusCode())
        .as("another site's post without the cookie").isEqualTo(403);

    String carol2Sid = hiddenValues(carol2.get(base + "/aai/account"), "sid").stream().filter(sid -> carol2.get(
        base + "/aai/account").body().contains("value=\"" + sid + "\"><input type=\"hidden\" name=\"csrf\" value=\""
        + carol2.cookie("panosc_aai_csrf") + "\"><button type=\"submit\">Sign out here")).findFirst().orElseThrow();
    Matcher here = Pattern.compile("name=\"sid\" value=\"([^\"]+)\"><input type=\"hidden\" name=\"csrf\" "
        + "value=\"[^\"]*\"><button type=\"submit\">Sign out here").matcher(account.body());
    assertThat(here.find()).isTrue();
    assertThat(carol2Sid).isNotEqualTo(here.group(1));
    String otherSid = carol2Sid;
    HttpResponse<String> ended = carol.post(base + "/aai/account/sessions/end",
        form(account, "/aai/account/sessions/end", "sid", otherSid));
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(303);
    assertThat(carol2.get(base + "/aai/account").statusCode()).as("the other browser is signed out").isEqualTo(303);
    assertThat(hiddenValues(carol.get(base + "/aai/account"), "sid")).hasSize(before).doesNotContain(carol2Sid);

    HttpResponse<String> signedOut = new Browser().post(base + "/aai/account/sessions/end", Map.of());
    assertThat(signedOut.statusCode()).isEqualTo(403);
  }

  @Test
  void linkWhenConfirmedThenEitherIdentitySignsInAsTheSameUserWithTheSamePairwiseSubUntilUnlinked()
      throws Exception {
    // alice at ESRF through the demo form: her pairwise sub there
    Browser a = new Browser();
    HttpResponse<String> page = a.get(esrfAuthorize());
    HttpResponse<String> consent = a.login(base, page, "alice", "alice-demo-pw");
    HttpResponse<String> back = consent.statusCode() == 200 ? a.consent(base, consent, true) : consent;
    String aliceSub = esrfSub(code(back));

    HttpResponse<String> account = a.get(base + "/aai/account");
    assertThat(account.statusCode()).isEqualTo(200);
    assertThat(hiddenValues(account, "subject")).isEmpty();
    HttpResponse<String> toDiscovery = a.post(base + "/aai/account/link", form(account, "/aai/account/link", null, null));
    assertThat(toDiscovery.statusCode()).isEqualTo(303);
    String discoveryUrl = follow(base + "/aai/account/link", toDiscovery);
    HttpResponse<String> discovery = a.get(discoveryUrl);
    assertThat(discovery.body()).contains("your PaNOSC account");
    HttpResponse<String> acs = throughTheStandIn(a, discoveryUrl, discovery, "dave");
    assertThat(acs.statusCode()).as(acs.body()).isEqualTo(303);
    String confirmUrl = follow(base + "/aai/saml2/sp/acs", acs);
    assertThat(confirmUrl).startsWith(base + "/aai/account/link?req=");
    HttpResponse<String> confirm = a.get(confirmUrl);
    assertThat(confirm.statusCode()).isEqualTo(200);
    assertThat(confirm.body()).contains("Link this account?").contains("UmbrellaID (demo)").contains("dave@demo.panosc.eu");

    Browser bob = new Browser();
    accountSignIn(bob, "bob");
    HttpResponse<String> foreign = bob.get(confirmUrl);
    assertThat(foreign.statusCode()).as("another person's session cannot see or confirm it").isEqualTo(403);
    assertThat(new Browser().get(confirmUrl).statusCode()).as("signed out").isEqualTo(401);

    HttpResponse<String> linked = a.post(base + "/aai/account/link/confirm",
        form(confirm, "/aai/account/link/confirm", null, null));
    assertThat(linked.statusCode()).as(linked.body()).isEqualTo(303);
    account = a.get(base + "/aai/account");
    assertThat(hiddenValues(account, "subject")).containsExactly("dave@demo.panosc.eu");
    assertThat(account.body()).contains("UmbrellaID (demo)").contains("Demo users");
    assertThat(a.post(base + "/aai/account/link/confirm", form(confirm, "/aai/account/link/confirm", null, null))
        .statusCode()).as("a confirmation works once").isEqualTo(400);

    // a fresh browser signs in at ESRF as dave through the stand-in: alice, with her sub
    Browser d = new Browser();
    HttpResponse<String> dPage = d.get(esrfAuthorize());
    HttpResponse<String> dAcs = throughTheStandIn(d, esrfAuthorize(), dPage, "dave");
    assertThat(dAcs.statusCode()).as("alice consented already: straight back with a code").isEqualTo(302);
    assertThat(esrfSub(code(dAcs))).isEqualTo(aliceSub);

    // the first identity stays; the linked one can be unlinked, and is then nobody's
    HttpResponse<String> primary = a.post(base + "/aai/account/unlink", Map.of("csrf", a.cookie("panosc_aai_csrf"),
        "subject", "alice@demo.panosc.eu"));
    assertThat(primary.statusCode()).isEqualTo(409);
    assertThat(primary.body()).contains("cannot be unlinked");
    HttpResponse<String> unlinked = a.post(base + "/aai/account/unlink",
        form(account, "/aai/account/unlink", "subject", "dave@demo.panosc.eu"));
    assertThat(unlinked.statusCode()).isEqualTo(303);
    assertThat(hiddenValues(a.get(base + "/aai/account"), "subject")).isEmpty();
    Browser d2 = new Browser();
    HttpResponse<String> d2Acs = throughTheStandIn(d2, esrfAuthorize(), d2.get(esrfAuthorize()), "dave");
    assertThat(d2Acs.statusCode()).isEqualTo(200);
    assertThat(d2Acs.body()).as("dave is a new user again: his registration page").contains("terms of use");
  }

  @Test
  void linkWhenTheIdentityIsAnotherUsersThenAPageSaysSoAndNothingChanges() throws Exception {
    Browser bob = new Browser();
    HttpResponse<String> account = accountSignIn(bob, "bob");
    HttpResponse<String> toDiscovery = bob.post(base + "/aai/account/link",
        form(account, "/aai/account/link", null, null));
    String discoveryUrl = follow(base + "/aai/account/link", toDiscovery);
    HttpResponse<String> acs = throughTheStandIn(bob, discoveryUrl, bob.get(discoveryUrl), "carol");
    String confirmUrl = follow(base + "/aai/saml2/sp/acs", acs);
    HttpResponse<String> taken = bob.get(confirmUrl);
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(taken.body()).contains("Linked to another account").contains("belongs to another user")
        .doesNotContain("Link this account?");
    assertThat(hiddenValues(bob.get(base + "/aai/account"), "subject")).isEmpty();

    // never by equal e-mail or name: carol signing in through the stand-in is still carol, not bob
    Browser carol = new Browser();
    HttpResponse<String> carolAccount = accountSignIn(carol, "carol");
    assertThat(carolAccount.body()).contains("carol@demo.panosc.eu").doesNotContain("bob@demo.panosc.eu");
  }
}
