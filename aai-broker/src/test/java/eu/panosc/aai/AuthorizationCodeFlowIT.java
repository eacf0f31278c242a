package eu.panosc.aai;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization-code flow end to end: a browser (JDK HttpClient, redirects disabled) logs the demo users in
 * through the login form and consent screen, a real relying party (Nimbus oauth2-oidc-sdk) exchanges codes,
 * validates ID tokens, refreshes and calls userinfo; tokens are checked with the JDK's own ECDSA.
 */
class AuthorizationCodeFlowIT {
  static final String CLI = "panosc-cli";
  static final URI CLI_REDIRECT = URI.create("http://127.0.0.1/callback");
  static final URI SCICAT_REDIRECT = URI.create("http://localhost:3000/auth/callback");
  static final URI ICAT_REDIRECT = URI.create("http://localhost:8181/login/callback");

  @TempDir
  static Path dataDir;

  static MutableClock clock = new MutableClock(Instant.now());
  static Platform platform;
  static String base;
  static URI tokenEndpoint;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of(), clock);
    base = platform.baseUrl().toString();
    tokenEndpoint = URI.create(base + "/aai/token");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static ClientAuthentication basic(String id) {
    return new ClientSecretBasic(new ClientID(id), new Secret(id + "-demo-secret"));
  }

  /** What the relying party keeps between the redirect and the code exchange. */
  record Started(URI request, State state, Nonce nonce, CodeVerifier verifier) {}

  static Started request(String clientId, URI redirect, String scope, boolean pkce) {
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    var b = new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse(scope), new ClientID(clientId), redirect)
        .endpointURI(URI.create(base + "/aai/authorize")).state(state).nonce(nonce);
    if (pkce) {
      b.codeChallenge(verifier, CodeChallengeMethod.S256);
    }
    return new Started(b.build().toURI(), state, nonce, pkce ? verifier : null);
  }

  /** Logs {@code user} in (if the browser has no session) and consents (if asked); returns the redirect's URI. */
  static URI authorize(Browser browser, URI request, String user) {
    HttpResponse<String> page = browser.get(request.toString());
    if (page.statusCode() == 200 && page.body().contains("name=\"password\"")) {
      page = browser.login(base, page, user, user + "-demo-pw");
    }
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    return URI.create(Browser.location(page));
  }

  static AuthorizationCode code(Started started, URI redirected) throws Exception {
    AuthorizationResponse r = AuthorizationResponse.parse(redirected);
    assertThat(r.indicatesSuccess()).as(redirected.toString()).isTrue();
    AuthorizationSuccessResponse ok = r.toSuccessResponse();
    assertThat(ok.getState()).isEqualTo(started.state());
    assertThat(ok.getIssuer()).isEqualTo(new Issuer(base + "/aai"));
    return ok.getAuthorizationCode();
  }

  static TokenResponse exchange(ClientAuthentication auth, String clientId, AuthorizationCode code, URI redirect,
      CodeVerifier verifier) throws Exception {
    AuthorizationGrant grant = new AuthorizationCodeGrant(code, redirect, verifier);
    TokenRequest request = auth == null ? new TokenRequest(tokenEndpoint, new ClientID(clientId), grant)
        : new TokenRequest(tokenEndpoint, auth, grant);
    return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
  }

  static OIDCTokenResponse ok(TokenResponse r) {
    assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
    return (OIDCTokenResponse) r.toSuccessResponse();
  }

  static String errorOf(TokenResponse r) {
    assertThat(r.indicatesSuccess()).isFalse();
    return ((TokenErrorResponse) r).getErrorObject().getCode();
  }

  static JsonObject claims(String jwt) throws Exception {
    return JdkEs256.verify(jwt, new JsonObject(Http.get(base + "/aai/jwks").body())).getJsonObject("claims");
  }

  static boolean active(AccessToken at) throws Exception {
    return TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(URI.create(base + "/aai/introspect"),
        basic("pdp-admin"), at).toHTTPRequest().send()).toSuccessResponse().isActive();
  }

  /** A full login as {@code user} in a fresh browser for a confidential client; the access token's claims. */
  static JsonObject confidentialLogin(String clientId, URI redirect, String user) throws Exception {
    Started s = request(clientId, redirect, "openid profile", false);
    URI back = authorize(new Browser(), s.request(), user);
    return claims(ok(exchange(basic(clientId), clientId, code(s, back), redirect, null)).getOIDCTokens()
        .getAccessToken().getValue());
  }

  @Test
  void codeFlowWhenPublicClientWithPkceThenIdTokenAccessTokenRefreshTokenAndUserinfo() throws Exception {
    Browser browser = new Browser();
    Started s = request(CLI, CLI_REDIRECT, "openid profile email offline_access", true);
    HttpResponse<String> login = browser.get(s.request().toString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(login.body()).contains("Sign in", "name=\"csrf\"", "the panosc command line");
    assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("panosc_aai_csrf=")
        .containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/aai"));
    HttpResponse<String> consent = browser.login(base, login, "alice", "alice-demo-pw");
    assertThat(consent.statusCode()).isEqualTo(200);
    assertThat(consent.body()).contains("Allow access?", "Alice Martin", "Your e-mail address", "offline_access");
    String sessionCookie = consent.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("panosc_aai_session=")).findFirst().orElseThrow();
    assertThat(sessionCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContain("Secure");
    assertThat(sessionCookie.substring("panosc_aai_session=".length(), sessionCookie.indexOf(';')))
        .as("256-bit random id, base64url").hasSize(43);
    HttpResponse<String> redirect = browser.consent(base, consent, true);
    assertThat(redirect.statusCode()).isEqualTo(302);
    URI back = URI.create(Browser.location(redirect));
    assertThat(back.toString()).startsWith(CLI_REDIRECT + "?code=");

    OIDCTokenResponse tokens = ok(exchange(null, CLI, code(s, back), CLI_REDIRECT, s.verifier()));
    var at = tokens.getOIDCTokens().getAccessToken();
    assertThat(at.getLifetime()).isEqualTo(300);
    assertThat(tokens.getOIDCTokens().getRefreshToken()).isNotNull();
    JsonObject jwks = new JsonObject(Http.get(base + "/aai/jwks").body());
    JsonObject atJws = JdkEs256.verify(at.getValue(), jwks);
    assertThat(atJws.getJsonObject("header").getString("typ")).isEqualTo("at+jwt");
    JsonObject atClaims = atJws.getJsonObject("claims");
    assertThat(atClaims.getString("client_id")).isEqualTo(CLI);
    assertThat(atClaims.getString("sub")).isNotBlank().doesNotContain("alice").hasSize(43);
    assertThat(atClaims.getString("scope")).isEqualTo("email offline_access openid profile");
    assertThat(atClaims.getString("acr")).isEqualTo("https://refeds.org/sfa");
    assertThat(atClaims.getValue("aud").toString()).contains(base + "/aai");

    JsonObject idJws = JdkEs256.verify(tokens.getOIDCTokens().getIDTokenString(), jwks);
    assertThat(idJws.getJsonObject("header").getString("typ")).isEqualTo("JWT");
    JsonObject id = idJws.getJsonObject("claims");
    assertThat(id.getString("iss")).isEqualTo(base + "/aai");
    assertThat(id.getString("sub")).isEqualTo(atClaims.getString("sub"));
    assertThat(id.getValue("aud").toString()).contains(CLI);
    assertThat(id.getString("nonce")).isEqualTo(s.nonce().getValue());
    assertThat(id.getLong("auth_time")).isEqualTo(clock.instant().getEpochSecond());
    assertThat(id.getJsonArray("amr").getList()).containsExactly("pwd");
    assertThat(id.getString("acr")).isEqualTo("https://refeds.org/sfa");
    // and the relying party library's own ID token validation (signature via JWKS, iss, aud, exp, nonce)
    IDTokenValidator validator = new IDTokenValidator(new Issuer(base + "/aai"), new ClientID(CLI), JWSAlgorithm.ES256,
        URI.create(base + "/aai/jwks").toURL());
    validator.setMaxClockSkew(3600);
    IDTokenClaimsSet validated = validator.validate(tokens.getOIDCTokens().getIDToken(), s.nonce());
    assertThat(validated.getAuthenticationTime()).isNotNull();

    UserInfoResponse info = UserInfoResponse.parse(new UserInfoRequest(URI.create(base + "/aai/userinfo"),
        (BearerAccessToken) at).toHTTPRequest().send());
    assertThat(info.indicatesSuccess()).isTrue();
    var user = info.toSuccessResponse().getUserInfo();
    assertThat(user.getSubject().getValue()).isEqualTo(atClaims.getString("sub"));
    assertThat(user.getName()).isEqualTo("Alice Martin");
    assertThat(user.getEmailAddress()).isEqualTo("alice@example.org");

    // single sign-on: the same browser gets a code straight away, consent remembered
    Started again = request(CLI, CLI_REDIRECT, "openid profile", true);
    HttpResponse<String> sso = browser.get(again.request().toString());
    assertThat(sso.statusCode()).isEqualTo(302);
    assertThat(code(again, URI.create(Browser.location(sso)))).isNotNull();
  }

  @Test
  void userinfoWhenTokenMissingOrWithoutOpenidThenBearerChallenge() throws Exception {
    HttpResponse<String> none = Http.get(base + "/aai/userinfo");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_token\"");
    String service = TokenResponse.parse(new TokenRequest(tokenEndpoint, basic("pdp-admin"),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new Scope("pdp:evaluate")).toHTTPRequest().send())
        .toSuccessResponse().getTokens().getAccessToken().getValue();
    HttpResponse<String> noOpenid = Http.getAuthorized(base + "/aai/userinfo", service);
    assertThat(noOpenid.statusCode()).isEqualTo(403);
    assertThat(noOpenid.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
    assertThat(Http.getAuthorized(base + "/aai/userinfo", "garbage").statusCode()).isEqualTo(401);
  }

  @Test
  void subWhenSameUserAndFacilityThenStableElseUnlinkable() throws Exception {
    JsonObject aliceEsrf = confidentialLogin("scicat-esrf", SCICAT_REDIRECT, "alice");
    JsonObject aliceEsrfAgain = confidentialLogin("scicat-esrf", SCICAT_REDIRECT, "alice");
    JsonObject aliceIll = confidentialLogin("icat-ill", ICAT_REDIRECT, "alice");
    JsonObject bobEsrf = confidentialLogin("scicat-esrf", SCICAT_REDIRECT, "bob");
    JsonObject aliceEosc = confidentialLogin("jupyterhub-eosc", URI.create("http://localhost:8000/hub/oauth_callback"),
        "alice");
    assertThat(aliceEsrfAgain.getString("sub")).isEqualTo(aliceEsrf.getString("sub"));
    assertThat(List.of(aliceIll.getString("sub"), bobEsrf.getString("sub"), aliceEosc.getString("sub")))
        .doesNotContain(aliceEsrf.getString("sub")).doesNotHaveDuplicates();
    assertThat(aliceEsrf.getValue("aud").toString()).contains("https://scicat.esrf.demo");
    assertThat(aliceEsrf.getJsonArray("eduperson_entitlement").getList())
        .contains("urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=pi#demo.panosc.eu")
        .allSatisfy(e -> assertThat((String) e).contains(":panosc:esrf:"));
    assertThat(aliceIll.containsKey("eduperson_entitlement")).as("alice has no ILL proposal").isFalse();
    assertThat(aliceEosc.containsKey("eduperson_entitlement")).as("no facility, no entitlements").isFalse();
  }

  @Test
  void redirectUriWhenNotAnExactRegisteredMatchThenHtmlPageAndNoRedirect() {
    Browser browser = new Browser();
    for (String redirect : List.of("http://127.0.0.1/callback/", "http://127.0.0.1/callback?x=1",
        "http://localhost/callback", "http://evil.example/callback", "HTTP://127.0.0.1/callback")) {
      // (another port of the loopback URI is accepted, RFC 8252 §7.3: see ProtocolConformanceIT)
      HttpResponse<String> r = browser.get(base + "/aai/authorize?response_type=code&scope=openid&client_id=panosc-cli"
          + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s1"
          + "&redirect_uri=" + Browser.enc(redirect));
      assertThat(r.statusCode()).as(redirect).isEqualTo(400);
      assertThat(r.headers().firstValue("Location")).as(redirect).isEmpty();
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
      assertThat(r.body()).contains("not registered");
      assertPersonReadable(r.body());
    }
    HttpResponse<String> missing = browser.get(base + "/aai/authorize?response_type=code&client_id=panosc-cli");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.headers().firstValue("Location")).isEmpty();
    HttpResponse<String> unknown = browser.get(base + "/aai/authorize?response_type=code&scope=openid"
        + "&client_id=nobody&redirect_uri=" + Browser.enc(CLI_REDIRECT.toString()));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.headers().firstValue("Location")).isEmpty();
    assertThat(unknown.body()).contains("Unknown application");
    assertPersonReadable(unknown.body());
    HttpResponse<String> noClient = browser.get(base + "/aai/authorize?response_type=code");
    assertThat(noClient.statusCode()).isEqualTo(400);
    assertPersonReadable(noClient.body());
  }

  static void assertPersonReadable(String html) {
    assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("Exception").doesNotContain("\tat ")
        .doesNotContain("eu.panosc").doesNotContainIgnoringCase("unknown error");
  }

  /** An error the provider sends back to the (validated) redirect URI, as the relying party parses it. */
  static AuthorizationErrorResponse redirectedError(Browser browser, String url) throws Exception {
    HttpResponse<String> r = browser.get(url);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    AuthorizationResponse parsed = AuthorizationResponse.parse(URI.create(Browser.location(r)));
    assertThat(parsed.indicatesSuccess()).isFalse();
    assertThat(parsed.getState()).isEqualTo(new State("s1"));
    return parsed.toErrorResponse();
  }

  @Test
  void authorizeWhenRequestInvalidAfterRedirectValidatedThenErrorsGoBackToTheClient() throws Exception {
    Browser b = new Browser();
    String cli = base + "/aai/authorize?client_id=panosc-cli&state=s1&redirect_uri=" + Browser.enc(CLI_REDIRECT.toString());
    String pkce = "&code_challenge=" + new CodeVerifier().getValue().substring(0, 43) + "&code_challenge_method=S256";
    assertThat(redirectedError(b, cli + "&response_type=code&scope=openid").getErrorObject().getCode())
        .as("public client without PKCE").isEqualTo("invalid_request");
    AuthorizationErrorResponse plain = redirectedError(b, cli + "&response_type=code&scope=openid"
        + "&code_challenge=" + new CodeVerifier().getValue() + "&code_challenge_method=plain");
    assertThat(plain.getErrorObject().getCode()).isEqualTo("invalid_request");
    assertThat(plain.getErrorObject().getDescription()).contains("S256");
    assertThat(redirectedError(b, cli + "&response_type=code&scope=openid&code_challenge="
        + new CodeVerifier().getValue().substring(0, 43)).getErrorObject().getCode())
        .as("no method means plain").isEqualTo("invalid_request");
    assertThat(redirectedError(b, cli + "&response_type=token&scope=openid" + pkce).getErrorObject().getCode())
        .isEqualTo("unsupported_response_type");
    assertThat(redirectedError(b, cli + "&scope=openid" + pkce).getErrorObject().getCode()).isEqualTo("invalid_request");
    assertThat(redirectedError(b, cli + "&response_type=code&scope=openid%20pdp:admin" + pkce).getErrorObject()
        .getCode()).isEqualTo("invalid_scope");
    assertThat(redirectedError(b, cli + "&response_type=code&scope=openid&prompt=none" + pkce).getErrorObject()
        .getCode()).as("no session").isEqualTo("login_required");
    assertThat(redirectedError(b, cli + "&response_type=code&scope=openid&max_age=-1" + pkce).getErrorObject()
        .getCode()).isEqualTo("invalid_request");
    assertThat(redirectedError(b, cli + "&response_type=code&scope=openid&resource=https://elsewhere.example" + pkce)
        .getErrorObject().getCode()).isEqualTo("invalid_target");
  }

  @Test
  void promptAndMaxAgeWhenSessionExistsThenHonoured() throws Exception {
    Browser browser = new Browser();
    Started first = request("jupyterhub-eosc", URI.create("http://localhost:8000/hub/oauth_callback"), "openid", false);
    authorize(browser, first.request(), "carol");
    String pkce = "&code_challenge=" + "A".repeat(43) + "&code_challenge_method=S256";
    String cli = base + "/aai/authorize?client_id=panosc-cli&state=s1&response_type=code&scope=openid%20email"
        + "&redirect_uri=" + Browser.enc(CLI_REDIRECT.toString()) + pkce;
    assertThat(redirectedError(browser, cli + "&prompt=none").getErrorObject().getCode())
        .as("logged in, but never consented for panosc-cli").isEqualTo("consent_required");
    HttpResponse<String> login = browser.get(cli + "&prompt=login");
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("name=\"password\"");
    clock.advance(Duration.ofSeconds(5));
    assertThat(browser.get(cli + "&max_age=2").body()).as("authenticated 5 s ago").contains("name=\"password\"");
    HttpResponse<String> consent = browser.get(cli + "&max_age=3600");
    assertThat(consent.body()).contains("Allow access?");
    HttpResponse<String> denied = browser.consent(base, consent, false);
    AuthorizationResponse parsed = AuthorizationResponse.parse(URI.create(Browser.location(denied)));
    assertThat(parsed.toErrorResponse().getErrorObject().getCode()).isEqualTo("access_denied");
    assertThat(parsed.getState()).isEqualTo(new State("s1"));

    Started consented = request("jupyterhub-eosc", URI.create("http://localhost:8000/hub/oauth_callback"), "openid",
        false);
    HttpResponse<String> forced = browser.get(new AuthenticationRequest.Builder(AuthenticationRequest.parse(
        consented.request())).prompt(new Prompt(Prompt.Type.CONSENT)).build().toURI().toString());
    assertThat(forced.body()).as("prompt=consent asks again").contains("Allow access?");
    HttpResponse<String> none = browser.get(new AuthenticationRequest.Builder(AuthenticationRequest.parse(
        consented.request())).prompt(new Prompt(Prompt.Type.NONE)).build().toURI().toString());
    assertThat(none.statusCode()).as("session and consent: prompt=none succeeds").isEqualTo(302);
    assertThat(code(consented, URI.create(Browser.location(none)))).isNotNull();
  }

  @Test
  void loginWhenPasswordWrongOrUserUnknownThenSameMessageAndNoSession() throws Exception {
    Browser browser = new Browser();
    Started s = request(CLI, CLI_REDIRECT, "openid", true);
    HttpResponse<String> page = browser.get(s.request().toString());
    HttpResponse<String> wrong = browser.login(base, page, "alice", "not-her-password");
    HttpResponse<String> unknown = browser.login(base, wrong, "mallory", "whatever");
    for (HttpResponse<String> r : List.of(wrong, unknown)) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("The username or password is not correct.", "name=\"password\"");
      assertThat(r.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("panosc_aai_session="));
    }
    assertThat(wrong.body().replace(Browser.hidden(wrong.body()).toString(), ""))
        .isEqualTo(unknown.body().replace(Browser.hidden(unknown.body()).toString(), ""));
    assertThat(authorize(browser, s.request(), "alice").toString()).as("and then the right password works")
        .contains("code=");
  }

  @Test
  void loginWhenCsrfTokenMissingOrWrongThenRefusedWithPage() {
    Browser browser = new Browser();
    HttpResponse<String> page = browser.get(request(CLI, CLI_REDIRECT, "openid", true).request().toString());
    Map<String, String> form = new java.util.HashMap<>(Browser.hidden(page.body()));
    form.remove("csrf");
    form.put("username", "alice");
    form.put("password", "alice-demo-pw");
    HttpResponse<String> missing = browser.post(base + "/aai/login", form);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("could not be verified");
    assertPersonReadable(missing.body());
    assertThat(missing.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("panosc_aai_session="));
    form.put("csrf", "A".repeat(43));
    assertThat(browser.post(base + "/aai/login", form).statusCode()).isEqualTo(403);
    Browser other = new Browser();
    form.put("csrf", Browser.hidden(page.body()).get("csrf"));
    assertThat(other.post(base + "/aai/login", form).statusCode()).as("another browser (no CSRF cookie)").isEqualTo(403);
    HttpResponse<String> expired = browser.post(base + "/aai/login", Map.of("req", "no-such-request", "csrf",
        form.get("csrf"), "username", "alice", "password", "alice-demo-pw"));
    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(expired.body()).contains("expired");
    assertPersonReadable(expired.body());
  }

  @Test
  void tokenWhenPkceVerifierMissingOrWrongThenInvalidGrant() throws Exception {
    Browser browser = new Browser();
    Started a = request(CLI, CLI_REDIRECT, "openid", true);
    AuthorizationCode codeA = code(a, authorize(browser, a.request(), "dave"));
    assertThat(errorOf(exchange(null, CLI, codeA, CLI_REDIRECT, null))).isEqualTo("invalid_grant");
    Started b = request(CLI, CLI_REDIRECT, "openid", true);
    AuthorizationCode codeB = code(b, authorize(browser, b.request(), "dave"));
    assertThat(errorOf(exchange(null, CLI, codeB, CLI_REDIRECT, new CodeVerifier()))).isEqualTo("invalid_grant");
    Started c = request("scicat-esrf", SCICAT_REDIRECT, "openid", false);
    AuthorizationCode codeC = code(c, authorize(browser, c.request(), "dave"));
    assertThat(errorOf(exchange(basic("scicat-esrf"), "scicat-esrf", codeC, SCICAT_REDIRECT, new CodeVerifier())))
        .as("verifier without a challenge (downgrade)").isEqualTo("invalid_grant");
    Started d = request("scicat-esrf", SCICAT_REDIRECT, "openid", true);
    AuthorizationCode codeD = code(d, authorize(browser, d.request(), "dave"));
    assertThat(errorOf(exchange(basic("scicat-esrf"), "scicat-esrf", codeD, URI.create("http://localhost:3000/other"),
        d.verifier()))).as("redirect_uri differs").isEqualTo("invalid_grant");
    Started e = request("scicat-esrf", SCICAT_REDIRECT, "openid", true);
    AuthorizationCode codeE = code(e, authorize(browser, e.request(), "dave"));
    ok(exchange(basic("scicat-esrf"), "scicat-esrf", codeE, SCICAT_REDIRECT, e.verifier()));
  }

  @Test
  void tokenWhenCodeReusedThenRefusedAndTokensFromItRevoked() throws Exception {
    Browser browser = new Browser();
    Started s = request(CLI, CLI_REDIRECT, "openid offline_access", true);
    AuthorizationCode code = code(s, authorize(browser, s.request(), "bob"));
    OIDCTokenResponse first = ok(exchange(null, CLI, code, CLI_REDIRECT, s.verifier()));
    AccessToken at = first.getOIDCTokens().getAccessToken();
    assertThat(active(at)).isTrue();
    TokenResponse second = exchange(null, CLI, code, CLI_REDIRECT, s.verifier());
    assertThat(errorOf(second)).isEqualTo("invalid_grant");
    assertThat(((TokenErrorResponse) second).getErrorObject().getDescription()).contains("already used");
    assertThat(active(at)).as("the first exchange's access token is revoked").isFalse();
    assertThat(errorOf(refresh(null, first.getOIDCTokens().getRefreshToken(), null)))
        .as("and its refresh token").isEqualTo("invalid_grant");
  }

  @Test
  void tokenWhenCodeExpiredThenInvalidGrant() throws Exception {
    Browser browser = new Browser();
    Started s = request(CLI, CLI_REDIRECT, "openid", true);
    AuthorizationCode code = code(s, authorize(browser, s.request(), "carol"));
    clock.advance(Duration.ofSeconds(61));
    TokenResponse late = exchange(null, CLI, code, CLI_REDIRECT, s.verifier());
    assertThat(errorOf(late)).isEqualTo("invalid_grant");
    assertThat(((TokenErrorResponse) late).getErrorObject().getDescription()).contains("expired");
  }

  @Test
  void tokenWhenCodeIssuedToAnotherClientThenInvalidGrant() throws Exception {
    Browser browser = new Browser();
    Started s = request("scicat-esrf", SCICAT_REDIRECT, "openid", false);
    AuthorizationCode code = code(s, authorize(browser, s.request(), "alice"));
    TokenResponse foreign = exchange(basic("icat-ill"), "icat-ill", code, SCICAT_REDIRECT, null);
    assertThat(errorOf(foreign)).isEqualTo("invalid_grant");
    assertThat(((TokenErrorResponse) foreign).getErrorObject().getDescription()).contains("another client");
    assertThat(errorOf(exchange(null, CLI, new AuthorizationCode("made-up"), CLI_REDIRECT, new CodeVerifier())))
        .isEqualTo("invalid_grant");
  }

  static TokenResponse refresh(ClientAuthentication auth, RefreshToken rt, Scope scope) throws Exception {
    TokenRequest request = auth == null
        ? new TokenRequest(tokenEndpoint, new ClientID(CLI), new RefreshTokenGrant(rt), scope)
        : new TokenRequest(tokenEndpoint, auth, new RefreshTokenGrant(rt), scope);
    return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
  }

  @Test
  void refreshWhenUsedThenRotatedAndReuseRevokesTheFamily() throws Exception {
    Browser browser = new Browser();
    Started s = request(CLI, CLI_REDIRECT, "openid profile offline_access", true);
    OIDCTokenResponse initial = ok(exchange(null, CLI, code(s, authorize(browser, s.request(), "alice")), CLI_REDIRECT,
        s.verifier()));
    RefreshToken rt1 = initial.getOIDCTokens().getRefreshToken();
    String sub = claims(initial.getOIDCTokens().getAccessToken().getValue()).getString("sub");

    OIDCTokenResponse second = ok(refresh(null, rt1, new Scope("openid")));
    RefreshToken rt2 = second.getOIDCTokens().getRefreshToken();
    assertThat(rt2).isNotEqualTo(rt1);
    JsonObject narrowed = claims(second.getOIDCTokens().getAccessToken().getValue());
    assertThat(narrowed.getString("scope")).as("narrowed").isEqualTo("openid");
    assertThat(narrowed.getString("sub")).isEqualTo(sub);
    assertThat(claims(second.getOIDCTokens().getIDTokenString()).getString("sub")).isEqualTo(sub);
    assertThat(errorOf(refresh(null, rt2, new Scope("openid", "email")))).as("widening").isEqualTo("invalid_scope");
    assertThat(errorOf(refresh(basic("scicat-esrf"), rt2, null))).as("another client").isEqualTo("invalid_grant");

    OIDCTokenResponse third = ok(refresh(null, rt2, null));
    assertThat(errorOf(refresh(null, rt1, null))).as("rt1 was rotated: reuse").isEqualTo("invalid_grant");
    assertThat(errorOf(refresh(null, third.getOIDCTokens().getRefreshToken(), null)))
        .as("reusing rt1 revoked the family").isEqualTo("invalid_grant");

    third = ok(refresh(null, initialRefresh(browser), null));
    AccessToken at3 = third.getOIDCTokens().getAccessToken();
    RefreshToken rt3 = third.getOIDCTokens().getRefreshToken();
    OIDCTokenResponse fourth = ok(refresh(null, rt3, null));
    assertThat(active(at3)).isTrue();
    assertThat(active(fourth.getOIDCTokens().getAccessToken())).isTrue();
    TokenResponse replay = refresh(null, rt3, null);
    assertThat(errorOf(replay)).isEqualTo("invalid_grant");
    assertThat(active(at3)).as("reuse revoked the family's access tokens").isFalse();
    assertThat(active(fourth.getOIDCTokens().getAccessToken())).isFalse();
    assertThat(errorOf(refresh(null, fourth.getOIDCTokens().getRefreshToken(), null)))
        .as("and its newest refresh token").isEqualTo("invalid_grant");
  }

  /** A fresh grant's refresh token for alice and panosc-cli (the browser has a session and consent). */
  private static RefreshToken initialRefresh(Browser browser) throws Exception {
    Started s = request(CLI, CLI_REDIRECT, "openid profile offline_access", true);
    return ok(exchange(null, CLI, code(s, authorize(browser, s.request(), "alice")), CLI_REDIRECT, s.verifier()))
        .getOIDCTokens().getRefreshToken();
  }

  @Test
  void discoveryWhenFetchedThenListsTheCodeFlow() {
    JsonObject meta = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());
    assertThat(meta.getString("authorization_endpoint")).isEqualTo(base + "/aai/authorize");
    assertThat(meta.getString("userinfo_endpoint")).isEqualTo(base + "/aai/userinfo");
    assertThat(meta.getJsonArray("response_types_supported").getList()).containsExactly("code");
    assertThat(meta.getJsonArray("code_challenge_methods_supported").getList()).containsExactly("S256");
    assertThat(meta.getJsonArray("subject_types_supported").getList()).containsExactly("pairwise");
    assertThat(meta.getJsonArray("id_token_signing_alg_values_supported").getList()).containsExactly("ES256", "RS256");
    assertThat(meta.getJsonArray("scopes_supported").getList()).contains("openid", "profile", "email");
    assertThat(meta.getJsonArray("claims_supported").getList()).contains("sub", "name", "email", "nonce", "auth_time");
    assertThat(meta.getJsonArray("grant_types_supported").getList())
        .containsExactlyInAnyOrder("authorization_code", "refresh_token", "client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:device_code");
  }

  static HttpResponse<String> exchangeToken(String clientId, String subjectToken, String... params) {
    StringBuilder body = new StringBuilder("grant_type=" + enc(TokenExchangeGrantType.TYPE) + "&subject_token="
        + enc(subjectToken) + "&subject_token_type=" + enc("urn:ietf:params:oauth:token-type:access_token"));
    for (int i = 0; i + 1 < params.length; i += 2) {
      body.append('&').append(params[i]).append('=').append(enc(params[i + 1]));
    }
    return Http.send(java.net.http.HttpRequest.newBuilder(tokenEndpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            (clientId + ":" + clientId + "-demo-secret").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build());
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String loginToken(String clientId, URI redirect, String user, String scope) throws Exception {
    Started s = request(clientId, redirect, scope, false);
    URI back = authorize(new Browser(), s.request(), user);
    return ok(exchange(basic(clientId), clientId, code(s, back), redirect, null)).getOIDCTokens().getAccessToken()
        .getValue();
  }

  /** Constants of RFC 8693 used by these tests. */
  static final class TokenExchangeGrantType {
    static final String TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
  }

  @Test
  void tokenExchangeWhenAllowedThenTokenForTheTargetWithActAndTheTargetFacilitysPairwiseSub() throws Exception {
    String scicat = loginToken("scicat-esrf", SCICAT_REDIRECT, "alice", "openid profile pdp:evaluate");
    HttpResponse<String> exchanged = exchangeToken("scicat-esrf", scicat, "audience", "https://icat.ill.demo",
        "scope", "openid");
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    JsonObject response = new JsonObject(exchanged.body());
    assertThat(response.getString("issued_token_type")).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    assertThat(response.getString("scope")).isEqualTo("openid");
    JsonObject claims = claims(response.getString("access_token"));
    assertThat(claims.getValue("aud").toString()).contains("https://icat.ill.demo").doesNotContain("scicat");
    assertThat(claims.getJsonObject("act").getString("sub")).isEqualTo("scicat-esrf");
    assertThat(claims.getString("client_id")).isEqualTo("scicat-esrf");
    String illSub = confidentialLogin("icat-ill", ICAT_REDIRECT, "alice").getString("sub");
    assertThat(claims.getString("sub")).as("the sub ILL's own login gives alice").isEqualTo(illSub)
        .isNotEqualTo(claims(scicat).getString("sub"));

    // trusted services resolve a facility's pairwise sub to the canonical user
    String resolver = new JsonObject(Http.send(java.net.http.HttpRequest.newBuilder(tokenEndpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            "pdp-admin:pdp-admin-demo-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=aai:resolve"))
        .build()).body()).getString("access_token");
    HttpResponse<String> resolved = Http.sendJson("POST", base + "/aai/v1/resolve", resolver,
        new JsonObject().put("facility", "ill").put("sub", illSub).encode());
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    assertThat(new JsonObject(resolved.body()).getString("user")).isEqualTo("alice@demo.panosc.eu");
    assertThat(Http.sendJson("POST", base + "/aai/v1/resolve", resolver,
        new JsonObject().put("facility", "esrf").put("sub", illSub).encode()).statusCode())
        .as("a sub is only valid at its own facility").isEqualTo(404);
    assertThat(Http.sendJson("POST", base + "/aai/v1/resolve", resolver, new JsonObject().put("sub", illSub).encode())
        .statusCode()).isEqualTo(400);
    assertThat(Http.sendJson("POST", base + "/aai/v1/resolve", scicat,
        new JsonObject().put("facility", "ill").put("sub", illSub).encode()).statusCode())
        .as("only tokens with aai:resolve").isIn(401, 403);
  }

  @Test
  void tokenExchangeWhenNotAllowedThenRfc8693Errors() throws Exception {
    String scicat = loginToken("scicat-esrf", SCICAT_REDIRECT, "bob", "openid pdp:evaluate");
    String icat = loginToken("icat-ill", ICAT_REDIRECT, "bob", "openid");
    assertThat(new JsonObject(exchangeToken("scicat-esrf", scicat, "audience", "https://jupyter.eosc.demo").body())
        .getString("error")).isEqualTo("invalid_target");
    assertThat(new JsonObject(exchangeToken("scicat-esrf", scicat).body()).getString("error"))
        .as("no audience").isEqualTo("invalid_request");
    assertThat(new JsonObject(exchangeToken("scicat-esrf", scicat, "audience", "https://icat.ill.demo",
        "scope", "openid email").body()).getString("error")).as("wider than the subject token").isEqualTo("invalid_scope");
    assertThat(new JsonObject(exchangeToken("scicat-esrf", icat, "audience", "https://icat.ill.demo").body())
        .getString("error_description")).as("a token issued for another service").contains("not issued for this client");
    assertThat(new JsonObject(exchangeToken("scicat-esrf", "not.a.token", "audience", "https://icat.ill.demo").body())
        .getString("error")).isEqualTo("invalid_request");
    assertThat(new JsonObject(exchangeToken("icat-ill", icat, "audience", "https://scicat.esrf.demo").body())
        .getString("error")).as("icat-ill is not registered for token exchange").isEqualTo("unauthorized_client");
    HttpResponse<String> noType = Http.send(java.net.http.HttpRequest.newBuilder(tokenEndpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            "scicat-esrf:scicat-esrf-demo-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=" + enc(TokenExchangeGrantType.TYPE)
            + "&subject_token=" + enc(scicat) + "&audience=" + enc("https://icat.ill.demo"))).build());
    assertThat(new JsonObject(noType.body()).getString("error")).isEqualTo("invalid_request");
    var revoke = Http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/aai/revoke"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            "scicat-esrf:scicat-esrf-demo-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + enc(scicat))).build());
    assertThat(revoke.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(exchangeToken("scicat-esrf", scicat, "audience", "https://icat.ill.demo").body())
        .getString("error")).as("a revoked subject token").isEqualTo("invalid_request");
  }
}
