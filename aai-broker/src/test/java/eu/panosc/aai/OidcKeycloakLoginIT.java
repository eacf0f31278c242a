package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.aai.oidc.OidcLogin;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as OpenID Connect relying party against Keycloak as the eduTEAMS stand-in (the JVM's shared
 * {@link KeycloakHarness}; realm {@code panosc-oidc} from {@code keycloak/panosc-oidc-realm.json}: bob with a
 * community id ({@code voperson_id}) and an ESRF proposal entitlement of authority eduteams.org plus one of an
 * untrusted authority, carol who never signs in at the broker; the broker's client created through the admin API with
 * mappers releasing {@code voperson_id} in tokens and {@code eduperson_entitlement} only at userinfo, so the userinfo
 * merge is exercised). The upstream is the {@code eduteams} profile with Keycloak's issuer and the client's id and
 * secret. Cases: bob signs in through Keycloak's login form to tokens for the ESRF client carrying his trusted ESRF
 * entitlement (what the PDP reads for membership); RP-initiated logout at Keycloak after a broker logout; Keycloak's
 * back-channel logout ending his broker session (its refresh token revoked, the next authorization asks him to sign in
 * again); RFC 8693 exchange of Keycloak access tokens (bob's for an ILL token; carol's refused with
 * {@code invalid_grant}; another client's refused).
 */
class OidcKeycloakLoginIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">Sign in with "
      + "([^<]+)</a>");
  private static final Pattern KC_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
  private static final String REALM = "panosc-oidc";
  private static final String CLIENT = "panosc-broker";
  private static final String SECRET = "broker-kc-secret-1";
  private static final String SCICAT_REDIRECT = "http://localhost:3000/auth/callback";
  private static final String ESRF_MEMBER = "urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member#eduteams.org";

  @TempDir
  static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static String base;
  static String issuer;

  @BeforeAll
  static void start() throws Exception {
    keycloak = KeycloakHarness.shared();
    keycloak.importRealm("keycloak/panosc-oidc-realm.json");
    issuer = keycloak.baseUrl() + "/realms/" + REALM;
    Map<String, String> config = new HashMap<>();
    config.put("services.aai.upstreams.eduteams.oidc.profile", "eduteams");
    config.put("services.aai.upstreams.eduteams.oidc.issuer", issuer);
    config.put("services.aai.upstreams.eduteams.oidc.displayName", "eduTEAMS (Keycloak)");
    config.put("services.aai.upstreams.eduteams.oidc.clientId", CLIENT);
    config.put("services.aai.upstreams.eduteams.oidc.clientSecret", SECRET);
    config.put("services.aai.upstreams.eduteams.oidc.scopes", "openid profile email");
    platform = AaiPlatform.start(dataDir.resolve("var"), true, config);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    createBrokerClient();
  }

  /** The broker's client at Keycloak, with its redirect, logout URLs and claim mappers. */
  private static void createBrokerClient() {
    JsonArray existing = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/clients?clientId=" + CLIENT, null)
        .body());
    for (Object o : existing) {
      keycloak.admin("DELETE", "/realms/" + REALM + "/clients/" + ((JsonObject) o).getString("id"), null);
    }
    JsonObject client = new JsonObject().put("clientId", CLIENT).put("protocol", "openid-connect")
        .put("publicClient", false).put("secret", SECRET).put("clientAuthenticatorType", "client-secret")
        .put("standardFlowEnabled", true).put("directAccessGrantsEnabled", true)
        .put("redirectUris", new JsonArray().add(base + "/aai/oidc/callback"))
        .put("attributes", new JsonObject().put("post.logout.redirect.uris", base + "/aai/oidc/logged-out")
            .put("backchannel.logout.url", base + "/aai/oidc/backchannel-logout")
            .put("backchannel.logout.session.required", "true").put("pkce.code.challenge.method", "S256"))
        .put("protocolMappers", new JsonArray()
            .add(mapper("voperson_id", "vopersonId", false, true))
            .add(mapper("eduperson_entitlement", "entitlement", true, false)));
    HttpResponse<String> created = keycloak.admin("POST", "/realms/" + REALM + "/clients", client.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private static JsonObject mapper(String claim, String attribute, boolean multivalued, boolean inTokens) {
    return new JsonObject().put("name", claim).put("protocol", "openid-connect")
        .put("protocolMapper", "oidc-usermodel-attribute-mapper").put("config", new JsonObject()
            .put("user.attribute", attribute).put("claim.name", claim).put("jsonType.label", "String")
            .put("multivalued", String.valueOf(multivalued)).put("id.token.claim", String.valueOf(inTokens))
            .put("access.token.claim", String.valueOf(inTokens)).put("userinfo.token.claim", "true"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  /** A signed-in person's state: the browser (with the broker's session cookie) and the tokens of scicat-esrf. */
  record SignedIn(Browser browser, JsonObject tokens) {}

  /**
   * {@code user} signs in for scicat-esrf (ESRF) through the broker's login page, the "eduTEAMS (Keycloak)" link and
   * Keycloak's login form; the first-login registration and consent are answered; the code redeemed.
   */
  private static SignedIn signIn(String user) throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=scicat-esrf&state=s1&nonce=n1&redirect_uri=" + Browser.enc(SCICAT_REDIRECT));
    assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
    String href = links(loginPage.body()).get("eduTEAMS (Keycloak)");
    assertThat(href).as(loginPage.body()).startsWith("oidc/login?req=");
    HttpResponse<String> toOp = browser.get(base + "/aai/" + href);
    assertThat(toOp.statusCode()).as(toOp.body()).isEqualTo(303);
    assertThat(toOp.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith(OidcLogin.FLOW_COOKIE_PREFIX).containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
    URI auth = URI.create(Browser.location(toOp));
    assertThat(auth.toString()).startsWith(issuer + "/protocol/openid-connect/auth?");
    assertThat(param(auth, "code_challenge_method")).isEqualTo("S256");
    assertThat(param(auth, "nonce")).hasSize(43);
    assertThat(param(auth, "state")).hasSize(43).isNotEqualTo(param(auth, "nonce"));
    assertThat(param(auth, "client_id")).isEqualTo(CLIENT);
    HttpResponse<String> kcLogin = browser.get(auth.toString());
    assertThat(kcLogin.statusCode()).as(kcLogin.body()).isEqualTo(200);
    Matcher form = KC_FORM.matcher(kcLogin.body());
    assertThat(form.find()).as("Keycloak's login form: " + kcLogin.body()).isTrue();
    HttpResponse<String> back = browser.post(form.group(1).replace("&amp;", "&"),
        Map.of("username", user, "password", user + "-kc-pw", "credentialId", ""));
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    String callback = Browser.location(back);
    assertThat(callback).startsWith(base + "/aai/oidc/callback?");
    HttpResponse<String> page = browser.get(callback);
    for (int step = 0; step < 3 && page.statusCode() == 200; step++) {
      if (page.body().contains("action=\"../register\"")) {
        Map<String, String> reg = Browser.hidden(page.body());
        reg.put("name", "Bob Eduteams");
        reg.put("email", user + "@eduteams.test");
        reg.put("terms", "accept");
        page = browser.post(base + "/aai/register", reg);
      } else {
        assertThat(page.body()).as(page.body()).contains("Allow access?");
        page = browser.consent(base, page, true);
      }
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    URI toClient = URI.create(Browser.location(page));
    assertThat(toClient.toString()).startsWith(SCICAT_REDIRECT);
    HttpResponse<String> tokens = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic("scicat-esrf",
            "scicat-esrf-demo-secret"))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + Browser.enc(param(toClient,
            "code")) + "&redirect_uri=" + Browser.enc(SCICAT_REDIRECT))).build());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    return new SignedIn(browser, new JsonObject(tokens.body()));
  }

  private static String basic(String id, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> links(String page) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = UPSTREAM_LINK.matcher(page);
    while (m.find()) {
      out.put(m.group(2), m.group(1).replace("&amp;", "&"));
    }
    return out;
  }

  private static String param(URI uri, String name) {
    return Arrays.stream(uri.getRawQuery().split("&")).filter(p -> p.startsWith(name + "="))
        .map(p -> URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8)).findFirst().orElse(null);
  }

  private static JWTClaimsSet claims(String jwt) throws Exception {
    return SignedJWT.parse(jwt).getJWTClaimsSet();
  }

  @Test
  void signInWhenBobThroughKeycloakThenEsrfTokenCarriesHisTrustedProposalEntitlement() throws Exception {
    SignedIn bob = signIn("bob");

    JWTClaimsSet access = claims(bob.tokens().getString("access_token"));
    // the PDP reads ESRF membership from exactly this claim (its default entitlement pattern and trusted authority)
    assertThat(access.getStringListClaim("eduperson_entitlement")).containsExactly(ESRF_MEMBER);
    assertThat(ESRF_MEMBER).matches("^urn:geant:eduteams\\.org:group:panosc:(?<facility>[^:]+):(?<proposal>[^:]+)"
        + "(?::.+)?$");
    assertThat(access.getSubject()).as("pairwise, not Keycloak's sub nor the community id").doesNotContain("@")
        .isNotEqualTo(claims(bob.tokens().getString("id_token")).getClaim("voperson_id"));
    JWTClaimsSet id = claims(bob.tokens().getString("id_token"));
    assertThat(id.getIssuer()).isEqualTo(base + "/aai");
    HttpResponse<String> userinfo = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/userinfo"))
        .header("Authorization", "Bearer " + bob.tokens().getString("access_token")).GET().build());
    assertThat(new JsonObject(userinfo.body()).getString("name")).isEqualTo("Bob Eduteams");

    SignedIn again = signIn("bob");
    assertThat(claims(again.tokens().getString("access_token")).getSubject()).as("the same user: keyed on the "
        + "community id").isEqualTo(access.getSubject());
  }

  @Test
  void backChannelLogoutWhenKeycloakEndsBobsSessionsThenHisBrokerSessionEnds() throws Exception {
    SignedIn bob = signIn("bob");
    String refresh = bob.tokens().getString("refresh_token");
    assertThat(refresh).isNotNull();
    String kcUser = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users?username=bob&exact=true", null)
        .body()).getJsonObject(0).getString("id");

    assertThat(keycloak.admin("POST", "/realms/" + REALM + "/users/" + kcUser + "/logout", null).statusCode())
        .isEqualTo(204);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HttpResponse<String> refreshed = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
          .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", basic("scicat-esrf",
              "scicat-esrf-demo-secret"))
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + Browser.enc(refresh)))
          .build());
      assertThat(new JsonObject(refreshed.body()).getString("error")).as(refreshed.body()).isEqualTo("invalid_grant");
    });
    HttpResponse<String> next = bob.browser().get(base + "/aai/authorize?response_type=code&scope=openid"
        + "&client_id=scicat-esrf&state=s2&redirect_uri=" + Browser.enc(SCICAT_REDIRECT));
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body()).as("signed out: the login page again").contains("Sign in with eduTEAMS (Keycloak)");
  }

  @Test
  void backChannelLogoutWhenTokenForgedOrMalformedThen400InvalidRequest() {
    HttpResponse<String> unsigned = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/oidc/backchannel-logout"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + Browser.enc(new com.nimbusds.jwt.PlainJWT(
            new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT).subject("x").build()).serialize()))).build());
    assertThat(unsigned.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unsigned.body()).getString("error")).isEqualTo("invalid_request");
    HttpResponse<String> none = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/oidc/backchannel-logout"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("other=1")).build());
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(none.body()).getString("error")).isEqualTo("invalid_request");
    HttpResponse<String> json = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/oidc/backchannel-logout"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(json.statusCode()).isEqualTo(400);
  }

  @Test
  void logoutWhenBobSignsOutAtTheBrokerThenKeycloaksSessionEndsToo() throws Exception {
    SignedIn bob = signIn("bob");
    String kcUser = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users?username=bob&exact=true", null)
        .body()).getJsonObject(0).getString("id");
    int before = new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users/" + kcUser + "/sessions", null)
        .body()).size();
    assertThat(before).isPositive();

    HttpResponse<String> out = bob.browser().get(base + "/aai/logout?id_token_hint="
        + bob.tokens().getString("id_token"));
    assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
    URI end = URI.create(Browser.location(out));
    assertThat(end.toString()).startsWith(issuer + "/protocol/openid-connect/logout?");
    assertThat(param(end, "id_token_hint")).isNotNull();
    assertThat(param(end, "post_logout_redirect_uri")).isEqualTo(base + "/aai/oidc/logged-out");
    HttpResponse<String> atKc = bob.browser().get(end.toString());
    assertThat(atKc.statusCode()).as(atKc.body()).isEqualTo(302);
    String loggedOut = Browser.location(atKc);
    assertThat(loggedOut).startsWith(base + "/aai/oidc/logged-out?state=");
    HttpResponse<String> page = bob.browser().get(loggedOut);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("You are signed out");
    assertThat(new JsonArray(keycloak.admin("GET", "/realms/" + REALM + "/users/" + kcUser + "/sessions", null)
        .body()).size()).as("Keycloak's session of this sign-in ended").isEqualTo(before - 1);
  }

  private static JsonObject keycloakTokens(String clientId, String secret, String user) {
    StringBuilder form = new StringBuilder("grant_type=password&scope=openid&username=" + user + "&password=" + user
        + "-kc-pw&client_id=" + clientId);
    if (secret != null) {
      form.append("&client_secret=").append(secret);
    }
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> exchange(String subjectToken) {
    return Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", basic("scicat-esrf", "scicat-esrf-demo-secret"))
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + Browser.enc("urn:ietf:params:oauth:grant-type:"
            + "token-exchange") + "&subject_token=" + Browser.enc(subjectToken) + "&subject_token_type="
            + Browser.enc("urn:ietf:params:oauth:token-type:access_token") + "&audience="
            + Browser.enc("https://icat.ill.demo"))).build());
  }

  @Test
  void tokenExchangeWhenKeycloakAccessTokenOfBobThenIllTokenWithIllsPairwiseSub() throws Exception {
    SignedIn bob = signIn("bob");
    String kcAccess = keycloakTokens(CLIENT, SECRET, "bob").getString("access_token");

    HttpResponse<String> r = exchange(kcAccess);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject answer = new JsonObject(r.body());
    assertThat(answer.getString("issued_token_type")).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    JWTClaimsSet ill = claims(answer.getString("access_token"));
    assertThat(ill.getAudience()).containsExactly("https://icat.ill.demo");
    assertThat(ill.getJSONObjectClaim("act")).containsEntry("sub", "scicat-esrf");
    assertThat(ill.getSubject()).as("ILL's pairwise sub for bob, not ESRF's").isNotEqualTo(claims(bob.tokens()
        .getString("access_token")).getSubject()).doesNotContain("@");
    assertThat(ill.getIssuer()).isEqualTo(base + "/aai");
  }

  @Test
  void tokenExchangeWhenUserNeverSignedInHereOrTokenOfAnotherClientThenRefused() throws Exception {
    HttpResponse<String> carol = exchange(keycloakTokens(CLIENT, SECRET, "carol").getString("access_token"));
    assertThat(carol.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(carol.body()).getString("error")).isEqualTo("invalid_grant");
    assertThat(new JsonObject(carol.body()).getString("error_description")).contains("sign in through the broker");

    HttpResponse<String> adminCli = exchange(keycloakTokens("admin-cli", null, "bob").getString("access_token"));
    assertThat(adminCli.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(adminCli.body()).getString("error")).isEqualTo("invalid_request");
    assertThat(new JsonObject(adminCli.body()).getString("error_description")).contains("audience");

    String idToken = keycloakTokens(CLIENT, SECRET, "bob").getString("id_token");
    HttpResponse<String> id = exchange(idToken);
    assertThat(new JsonObject(id.body()).getString("error")).as("an ID token is not an access token")
        .isEqualTo("invalid_request");
  }
}
