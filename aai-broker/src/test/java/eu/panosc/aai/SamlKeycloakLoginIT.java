package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.panosc.aai.saml.sp.SamlLogin;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
import org.slf4j.LoggerFactory;

/**
 * The broker's SAML SP against Keycloak as a real, independent SAML IdP (the JVM's shared {@link KeycloakHarness};
 * realm {@code panosc} imported from {@code keycloak/panosc-realm.json}: users alice and bob with attributes, SAML
 * attribute mappers; the broker's SP created in it from the broker's own SP metadata). Two upstreams are configured
 * beside the demo stand-in: {@code keycloak} (Keycloak's IdP descriptor as a metadata file, voPersonID as the user id,
 * {@code mail} required) and {@code keycloak-expired} (the same descriptor with its signing certificate replaced by an
 * expired one of the same key). Cases: a full login through Keycloak's login form to tokens carrying Keycloak's
 * attributes; an attribute Keycloak does not release; the expired certificate; an {@code acr_values} Keycloak does
 * not meet; SP-initiated Single Logout through Keycloak and back to the client's {@code post_logout_redirect_uri};
 * IdP-initiated Single Logout (alice signs out at Keycloak, which tells the broker over the front channel).
 */
class SamlKeycloakLoginIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">Sign in with "
      + "([^<]+)</a>");
  private static final Pattern KC_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
  private static final Pattern POST_FIELD = Pattern.compile("name=\"(SAMLResponse|RelayState)\"\\s+value=\"([^\"]*)\"");
  private static final Pattern POST_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
  private static final String REDIRECT_URI = "http://127.0.0.1/callback";

  @TempDir
  static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static String base;
  static String idpEntityId;

  @BeforeAll
  static void start() throws Exception {
    keycloak = KeycloakHarness.shared();
    keycloak.importRealm("keycloak/panosc-realm.json");
    HttpResponse<String> descriptor = new Browser().get(keycloak.samlDescriptor("panosc"));
    assertThat(descriptor.statusCode()).isEqualTo(200);
    idpEntityId = keycloak.baseUrl() + "/realms/panosc";
    Path idp = Files.writeString(dataDir.resolve("keycloak-idp.xml"), descriptor.body());
    String expired;
    try (InputStream in = SamlKeycloakLoginIT.class.getResourceAsStream("/keycloak/expired-signing-certificate.pem")) {
      expired = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----|\\s", "");
    }
    Path expiredIdp = Files.writeString(dataDir.resolve("keycloak-idp-expired.xml"), descriptor.body()
        .replaceAll("<ds:X509Certificate>[^<]+</ds:X509Certificate>", "<ds:X509Certificate>" + expired
            + "</ds:X509Certificate>"));
    Map<String, String> config = new HashMap<>();
    config.put("services.aai.upstreams.keycloak.metadata.file", idp.toString());
    config.put("services.aai.upstreams.keycloak.metadata.entityId", idpEntityId);
    config.put("services.aai.upstreams.keycloak.metadata.displayName", "Keycloak (test)");
    config.put("services.aai.upstreams.keycloak.attributes.userId", "voPersonID");
    config.put("services.aai.upstreams.keycloak.attributes.required", "mail");
    config.put("services.aai.upstreams.keycloak-expired.metadata.file", expiredIdp.toString());
    config.put("services.aai.upstreams.keycloak-expired.metadata.entityId", idpEntityId);
    config.put("services.aai.upstreams.keycloak-expired.metadata.displayName", "Keycloak (expired certificate)");
    // an upstream without a listed IdP: reached through the login page's discovery box (as an eduGAIN aggregate)
    config.put("services.aai.upstreams.federation.metadata.file", idp.toString());
    config.put("services.aai.upstreams.federation.attributes.userId", "voPersonID");
    platform = AaiPlatform.start(dataDir.resolve("var"), true, config);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    HttpResponse<String> sp = new Browser().get(base + "/aai/saml2/sp/metadata");
    assertThat(sp.statusCode()).isEqualTo(200);
    // Keycloak keeps one SP signing and one encryption certificate per client; the metadata lists the current key
    // first, then the next one in rotation, so the current ones are set explicitly (Keycloak's import may keep another)
    String signing = firstCertificate(sp.body(), "signing");
    String encryption = firstCertificate(sp.body(), "encryption");
    String imported = new JsonObject(keycloak.admin("POST", "/realms/panosc/client-description-converter", sp.body())
        .body()).getJsonObject("attributes").getString("saml.signing.certificate");
    System.out.println("SamlKeycloakLoginIT: Keycloak's import kept the " + (signing.equals(imported) ? "current"
        : "NOT the current") + " SP signing certificate");
    keycloak.clientFromDescription("panosc", sp.body(), Map.of(
        "saml.signing.certificate", signing, "saml.encryption.certificate", encryption,
        "saml.encryption.algorithm", "http://www.w3.org/2009/xmlenc11#aes256-gcm",
        "saml.encryption.keyAlgorithm", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"));
  }

  /** The first certificate of a KeyDescriptor with {@code use} in {@code metadata} (base64, no whitespace). */
  private static String firstCertificate(String metadata, String use) {
    Matcher m = Pattern.compile("<(?:md:)?KeyDescriptor use=\"" + use + "\">.*?<(?:ds:)?X509Certificate>([^<]+)"
        + "</(?:ds:)?X509Certificate>", Pattern.DOTALL).matcher(metadata);
    assertThat(m.find()).as(use + " certificate in " + metadata).isTrue();
    return m.group(1).replaceAll("\\s", "");
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static String pkce(String verifier) throws Exception {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String authorize(String state, String verifier, String extra) throws Exception {
    return base + "/aai/authorize?response_type=code&scope=openid%20email%20profile&client_id=panosc-cli&state="
        + state + "&redirect_uri=" + Browser.enc(REDIRECT_URI) + "&code_challenge=" + pkce(verifier)
        + "&code_challenge_method=S256" + extra;
  }

  /** The login page's links: label to href. */
  private static Map<String, String> links(String page) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = UPSTREAM_LINK.matcher(page);
    while (m.find()) {
      out.put(m.group(2), m.group(1).replace("&amp;", "&"));
    }
    return out;
  }

  /**
   * From the broker's login page through Keycloak's login form as {@code user}: the fields Keycloak's auto-post form
   * sends to our ACS (asserting it goes there).
   */
  private static Map<String, String> throughKeycloak(Browser browser, HttpResponse<String> loginPage, String user) {
    String href = links(loginPage.body()).get("Keycloak (test)");
    assertThat(href).as(loginPage.body()).isNotNull();
    HttpResponse<String> toIdp = browser.get(base + "/aai/" + href);
    assertThat(toIdp.statusCode()).as(toIdp.body()).isEqualTo(303);
    assertThat(toIdp.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith(SamlLogin.FLOW_COOKIE_PREFIX).containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
    String sso = Browser.location(toIdp);
    assertThat(sso).startsWith(keycloak.baseUrl() + "/realms/panosc/protocol/saml?SAMLRequest=")
        .contains("&Signature=");
    HttpResponse<String> kcLogin = browser.get(sso);
    assertThat(kcLogin.statusCode()).as(kcLogin.body()).isEqualTo(200);
    Matcher form = KC_FORM.matcher(kcLogin.body());
    assertThat(form.find()).as("Keycloak's login form: " + kcLogin.body()).isTrue();
    HttpResponse<String> posted = browser.post(form.group(1).replace("&amp;", "&"),
        Map.of("username", user, "password", user + "-kc-pw", "credentialId", ""));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    Matcher action = POST_ACTION.matcher(posted.body());
    assertThat(action.find()).as(posted.body()).isTrue();
    assertThat(action.group(1)).isEqualTo(base + "/aai/saml2/sp/acs");
    Map<String, String> fields = new HashMap<>();
    Matcher f = POST_FIELD.matcher(posted.body());
    while (f.find()) {
      fields.put(f.group(1), f.group(2).replace("&#x2b;", "+").replace("&#x3d;", "=").replace("&#x2f;", "/")
          .replace("&amp;", "&"));
    }
    assertThat(fields).containsKeys("SAMLResponse", "RelayState");
    return fields;
  }

  /**
   * Past the first-login registration page, if {@code page} is one (alice's first login through Keycloak in this run,
   * whichever test makes it): her name and Keycloak's address confirmed, the terms accepted; the page that follows.
   */
  private static HttpResponse<String> registered(Browser browser, HttpResponse<String> page) {
    if (page.statusCode() != 200 || !page.body().contains("action=\"../../register\"")) {
      return page;
    }
    Map<String, String> form = Browser.hidden(page.body());
    form.put("name", "Alice Keycloak");
    form.put("email", "alice@keycloak.test");
    form.put("terms", "accept");
    return browser.post(base + "/aai/register", form);
  }

  private static String param(URI uri, String name) {
    return Arrays.stream(uri.getRawQuery().split("&")).filter(p -> p.startsWith(name + "="))
        .map(p -> URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8)).findFirst().orElse(null);
  }

  @Test
  void loginWhenAliceThroughKeycloaksFormThenTokensCarryKeycloaksAttributes() throws Exception {
    String verifier = "k".repeat(20) + java.util.UUID.randomUUID();
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize("kc1", verifier, ""));
    assertThat(loginPage.statusCode()).isEqualTo(200);
    assertThat(links(loginPage.body()).keySet()).as("every configured IdP, and the demo stand-in")
        .contains("Keycloak (test)", "Keycloak (expired certificate)", "UmbrellaID (demo)");

    Map<String, String> answer = throughKeycloak(browser, loginPage, "alice");
    HttpResponse<String> consent = registered(browser, browser.post(base + "/aai/saml2/sp/acs", answer));
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    assertThat(consent.body()).contains("Allow access?").contains("Alice Keycloak");
    HttpResponse<String> redirect = browser.consent(base, consent, true);
    assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
    URI back = URI.create(Browser.location(redirect));
    assertThat(param(back, "state")).isEqualTo("kc1");
    HttpResponse<String> tokens = browser.post(base + "/aai/token", Map.of("grant_type", "authorization_code",
        "code", param(back, "code"), "redirect_uri", REDIRECT_URI, "client_id", "panosc-cli",
        "code_verifier", verifier));
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    JsonObject body = new JsonObject(tokens.body());
    JsonObject idToken = new JsonObject(new String(Base64.getUrlDecoder().decode(body.getString("id_token")
        .split("\\.")[1]), StandardCharsets.UTF_8));
    assertThat(idToken.getString("sub")).isNotBlank();
    assertThat(idToken.getString("acr")).as("Keycloak's AuthnContextClassRef").isNotBlank();
    HttpResponse<String> userinfo = eu.panosc.platform.testing.Http.getAuthorized(base + "/aai/userinfo",
        body.getString("access_token"));
    assertThat(userinfo.statusCode()).as(userinfo.body()).isEqualTo(200);
    JsonObject claims = new JsonObject(userinfo.body());
    assertThat(claims.getString("email")).as("Keycloak's email attribute").isEqualTo("alice@keycloak.test");
    assertThat(claims.getString("name")).as("Keycloak's displayName attribute").isEqualTo("Alice Keycloak");

    HttpResponse<String> reload = browser.post(base + "/aai/saml2/sp/acs", answer);
    assertThat(reload.statusCode()).isEqualTo(400);
    assertThat(reload.body()).contains("Sign-in already used");
  }

  @Test
  void loginWhenKeycloakDoesNotReleaseARequiredAttributeThenPageNamingIt() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize("kc2", "b".repeat(50), ""));
    Map<String, String> answer = throughKeycloak(browser, loginPage, "bob");

    HttpResponse<String> refused = browser.post(base + "/aai/saml2/sp/acs", answer);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(refused.body()).contains("Information missing").contains("Keycloak (test)").contains("mail")
        .doesNotContain("Exception");
    assertThat(browser.cookie("panosc_aai_session")).as("no session").isNull();
  }

  @Test
  void loginWhenTheIdpsOnlyCertificateInMetadataExpiredThenRefusedWithAnOperatorLogLine() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(SamlLogin.class);
    logger.addAppender(log);
    try {
      Browser browser = new Browser();
      HttpResponse<String> loginPage = browser.get(authorize("kc3", "e".repeat(50), ""));
      String href = links(loginPage.body()).get("Keycloak (expired certificate)");

      HttpResponse<String> refused = browser.get(base + "/aai/" + href);

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Location")).as("never sent to the IdP").isEmpty();
      assertThat(refused.body()).contains("Sign-in through Keycloak (expired certificate) unavailable")
          .doesNotContain("Exception");
      assertThat(log.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.ERROR);
        assertThat(e.getFormattedMessage()).contains(idpEntityId).contains("keycloak-expired")
            .contains("no signing certificate in its metadata is valid now").contains("2021-01-01");
      });
    } finally {
      logger.detachAppender(log);
    }
  }

  @Test
  void loginWhenClientRequiresMfaThatKeycloakDoesNotPerformThenUnmetAuthenticationRequirementsAtTheClient()
      throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize("kc4", "m".repeat(50),
        "&acr_values=" + Browser.enc("https://refeds.org/profile/mfa")));
    assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
    Map<String, String> answer = throughKeycloak(browser, loginPage, "alice");

    HttpResponse<String> back = browser.post(base + "/aai/saml2/sp/acs", answer);

    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    URI location = URI.create(Browser.location(back));
    assertThat(location.toString()).startsWith(REDIRECT_URI + "?");
    assertThat(param(location, "error")).isEqualTo("unmet_authentication_requirements");
    assertThat(param(location, "state")).isEqualTo("kc4");
    assertThat(param(location, "error_description")).contains("https://refeds.org/profile/mfa");
    assertThat(param(location, "code")).isNull();
    assertThat(browser.cookie("panosc_aai_session")).as("no session").isNull();
  }

  @Test
  void discoveryWhenSearchedByWordsExactEntityIdOrUnknownThenListRedirectOrHumanPage() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize("kc5", "d".repeat(50), ""));
    assertThat(loginPage.body()).as("an upstream without a listed IdP: the search box")
        .contains("<form method=\"get\" action=\"saml2/sp/login\" class=\"discovery\">");
    String req = Browser.hidden(loginPage.body()).get("req");

    HttpResponse<String> words = browser.get(base + "/aai/saml2/sp/login?req=" + Browser.enc(req) + "&idp=realms");
    assertThat(words.statusCode()).isEqualTo(200);
    assertThat(links(words.body())).as(words.body()).containsValue("../../saml2/sp/login?req=" + Browser.enc(req)
        + "&upstream=federation&entity=" + Browser.enc(idpEntityId));

    HttpResponse<String> exact = browser.get(base + "/aai/saml2/sp/login?req=" + Browser.enc(req) + "&idp="
        + Browser.enc(idpEntityId));
    assertThat(exact.statusCode()).as(exact.body()).isEqualTo(303);
    assertThat(Browser.location(exact)).startsWith(keycloak.baseUrl() + "/realms/panosc/protocol/saml?SAMLRequest=");

    HttpResponse<String> unknown = browser.get(base + "/aai/saml2/sp/login?req=" + Browser.enc(req)
        + "&idp=" + Browser.enc("https://nowhere.example/idp"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(unknown.body()).contains("No identity provider we know matches").contains("name=\"idp\"");

    HttpResponse<String> notOurs = browser.get(base + "/aai/saml2/sp/login?req=" + Browser.enc(req)
        + "&upstream=federation&entity=" + Browser.enc("https://nowhere.example/idp"));
    assertThat(notOurs.statusCode()).isEqualTo(400);
    assertThat(notOurs.body()).contains("Identity provider not known");
  }

  /**
   * SP-initiated Single Logout with Keycloak: the broker's signed LogoutRequest goes to the SingleLogoutService of
   * Keycloak's metadata (the {@code keycloak} upstream's file), Keycloak ends its session and answers with a signed
   * LogoutResponse that the broker verifies under the same metadata's key, then the browser goes on to the client's
   * registered {@code post_logout_redirect_uri}.
   */
  @Test
  void logoutWhenClientLogsOutAfterAKeycloakLoginThenKeycloakLoggedOutAndBackToThePostLogoutUri() throws Exception {
    String admin = com.nimbusds.oauth2.sdk.TokenResponse.parse(new com.nimbusds.oauth2.sdk.TokenRequest(
        URI.create(base + "/aai/token"), new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(
            new com.nimbusds.oauth2.sdk.id.ClientID("registry-admin"),
            new com.nimbusds.oauth2.sdk.auth.Secret("registry-admin-demo-secret")),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new com.nimbusds.oauth2.sdk.Scope("registry:admin"))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
    String client = "kc-slo-portal";
    String callback = "http://127.0.0.1/cb/" + client;
    String signedOut = "http://127.0.0.1/signed-out/" + client;
    HttpResponse<String> created = eu.panosc.platform.testing.Http.sendJson("POST",
        base + "/registry/admin/v1/clients", admin, new JsonObject().put("clientId", client).put("facility", "esrf")
            .put("type", "confidential").put("grantTypes", new io.vertx.core.json.JsonArray().add("authorization_code"))
            .put("redirectUris", new io.vertx.core.json.JsonArray().add(callback))
            .put("postLogoutRedirectUris", new io.vertx.core.json.JsonArray().add(signedOut))
            .put("scopes", new io.vertx.core.json.JsonArray().add("openid").add("profile")).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String secret = new JsonObject(created.body()).getString("clientSecret");
    assertThat(eu.panosc.platform.testing.Http.sendJson("POST", base + "/registry/admin/v1/clients/" + client
        + "/approve", admin, null).statusCode()).isEqualTo(200);

    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=" + client + "&state=s&nonce=n&redirect_uri=" + Browser.enc(callback));
    assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
    HttpResponse<String> page = registered(browser, browser.post(base + "/aai/saml2/sp/acs",
        throughKeycloak(browser, loginPage, "alice")));
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    String code = param(URI.create(Browser.location(page)), "code");
    String idToken = com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser.parse(
        new com.nimbusds.oauth2.sdk.TokenRequest(URI.create(base + "/aai/token"),
            new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(new com.nimbusds.oauth2.sdk.id.ClientID(client),
                new com.nimbusds.oauth2.sdk.auth.Secret(secret)),
            new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode(code),
                URI.create(callback))).toHTTPRequest().send())
        .toSuccessResponse().getTokens().toOIDCTokens().getIDTokenString();

    HttpResponse<String> out = browser.get(base + "/aai/logout?id_token_hint=" + idToken
        + "&post_logout_redirect_uri=" + Browser.enc(signedOut) + "&state=kcs");
    assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
    String toKeycloak = Browser.location(out);
    assertThat(toKeycloak).as("the SingleLogoutService of Keycloak's metadata")
        .startsWith(keycloak.baseUrl() + "/realms/panosc/protocol/saml?SAMLRequest=").contains("&Signature=");

    HttpResponse<String> atKeycloak = browser.get(toKeycloak);
    HttpResponse<String> done;
    if (atKeycloak.statusCode() / 100 == 3) {
      String back = Browser.location(atKeycloak);
      assertThat(back).startsWith(base + "/aai/saml2/sp/slo?SAMLResponse=");
      done = browser.get(back);
    } else {
      assertThat(atKeycloak.statusCode()).as(atKeycloak.body()).isEqualTo(200);
      Matcher action = POST_ACTION.matcher(atKeycloak.body());
      assertThat(action.find()).as(atKeycloak.body()).isTrue();
      assertThat(action.group(1)).isEqualTo(base + "/aai/saml2/sp/slo");
      Map<String, String> fields = new HashMap<>();
      Matcher f = POST_FIELD.matcher(atKeycloak.body());
      while (f.find()) {
        fields.put(f.group(1), f.group(2).replace("&#x2b;", "+").replace("&#x3d;", "=").replace("&#x2f;", "/")
            .replace("&amp;", "&"));
      }
      assertThat(fields).containsKey("SAMLResponse");
      done = browser.post(base + "/aai/saml2/sp/slo", fields);
    }
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    assertThat(Browser.location(done)).isEqualTo(signedOut + "?state=kcs");

    HttpResponse<String> again = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=" + client + "&state=s2&nonce=n&redirect_uri=" + Browser.enc(callback));
    HttpResponse<String> toIdp = browser.get(base + "/aai/" + links(again.body()).get("Keycloak (test)"));
    HttpResponse<String> kcAgain = browser.get(Browser.location(toIdp));
    assertThat(kcAgain.statusCode()).as(kcAgain.body()).isEqualTo(200);
    assertThat(KC_FORM.matcher(kcAgain.body()).find()).as("Keycloak's session ended: its login form again").isTrue();
  }

  /**
   * IdP-initiated Single Logout from Keycloak: alice signs out at Keycloak (its OIDC logout page, confirmed); Keycloak
   * sends her browser to the broker's Single Logout endpoint with a signed LogoutRequest (front-channel), the broker
   * ends her session and answers with a signed LogoutResponse back to Keycloak.
   */
  @Test
  void logoutWhenAliceSignsOutAtKeycloakThenTheBrokerSessionEnds() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize("kc7", "i".repeat(50), ""));
    HttpResponse<String> page = registered(browser, browser.post(base + "/aai/saml2/sp/acs",
        throughKeycloak(browser, loginPage, "alice")));
    assertThat(page.statusCode()).as("consent, or the code when alice consented before: " + page.body())
        .isIn(200, 302);
    assertThat(browser.cookie("panosc_aai_session")).as("signed in at the broker").isNotNull();

    HttpResponse<String> step = browser.get(keycloak.baseUrl() + "/realms/panosc/protocol/openid-connect/logout");
    boolean atBroker = false;
    for (int hops = 0; hops < 10 && !atBroker; hops++) {
      if (step.statusCode() / 100 == 3) {
        String next = Browser.location(step);
        next = next.startsWith("/") ? keycloak.baseUrl() + next : next;
        atBroker = next.startsWith(base + "/aai/saml2/sp/slo?SAMLRequest=");
        step = browser.get(next);
      } else {
        assertThat(step.statusCode()).as(step.body()).isEqualTo(200);
        Matcher action = POST_ACTION.matcher(step.body());
        assertThat(action.find()).as("a form to go on with: " + step.body()).isTrue();
        String to = action.group(1).replace("&amp;", "&");
        Map<String, String> fields = new HashMap<>();
        Matcher f = Pattern.compile("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"").matcher(step.body());
        while (f.find()) {
          fields.put(f.group(1), f.group(2).replace("&#x2b;", "+").replace("&#x3d;", "=").replace("&#x2f;", "/")
              .replace("&amp;", "&"));
        }
        fields.putIfAbsent("confirmLogout", "Logout");
        atBroker = to.equals(base + "/aai/saml2/sp/slo");
        step = browser.post(to.startsWith("/") ? keycloak.baseUrl() + to : to, fields);
      }
    }
    assertThat(atBroker).as("Keycloak sent a LogoutRequest to the broker").isTrue();
    assertThat(step.statusCode()).as(step.body()).isEqualTo(303);
    assertThat(Browser.location(step)).as("the broker's LogoutResponse, to Keycloak's SingleLogoutService")
        .startsWith(keycloak.baseUrl() + "/realms/panosc/protocol/saml?SAMLResponse=");
    assertThat(browser.cookie("panosc_aai_session")).as("the broker session ended").isNull();
    HttpResponse<String> atKeycloak = browser.get(Browser.location(step));
    assertThat(atKeycloak.statusCode() / 100).as(atKeycloak.body()).isIn(2, 3);

    HttpResponse<String> again = browser.get(authorize("kc8", "j".repeat(50), ""));
    assertThat(again.body()).as("signed out: the login page again, not the consent screen")
        .contains("Sign in with Keycloak (test)").doesNotContain("Allow access?");
  }
}
