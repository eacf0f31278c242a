package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.KeycloakHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * SP-initiated SAML Single Logout with IdPs that offer no HTTP-Redirect SingleLogoutService, against Keycloak (the JVM's
 * shared {@link KeycloakHarness}) as the real IdP: two realms made from {@code keycloak/panosc-realm.json}, each with
 * the broker's SP created from its metadata; upstream {@code kc-post} reads one realm's IdP descriptor with its
 * HTTP-Redirect SingleLogoutService removed (only HTTP-POST left), upstream {@code kc-local} the other realm's with
 * every SingleLogoutService removed. A logout after a {@code kc-post} login is an auto-submitting form (its CSP allows
 * one script by hash and posting to Keycloak only) carrying a signed LogoutRequest, which Keycloak accepts and answers,
 * ending its session; a logout after a {@code kc-local} login ends the broker session only and the page says so.
 */
class SamlKeycloakLogoutBindingsIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">Sign in with "
      + "([^<]+)</a>");
  private static final Pattern KC_FORM = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
  private static final Pattern INPUT = Pattern.compile("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");

  @TempDir
  static Path dataDir;
  static KeycloakHarness keycloak;
  static Platform platform;
  static String base;
  static String client;
  static String secret;
  static final String CALLBACK = "http://127.0.0.1/cb/kc-bindings";
  static final String SIGNED_OUT = "http://127.0.0.1/signed-out/kc-bindings";

  @BeforeAll
  static void start() throws Exception {
    keycloak = KeycloakHarness.shared();
    String realmJson;
    try (InputStream in = SamlKeycloakLogoutBindingsIT.class.getResourceAsStream("/keycloak/panosc-realm.json")) {
      realmJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> config = new HashMap<>();
    for (String realm : new String[] {"panosc-post", "panosc-local"}) {
      Path json = Files.writeString(dataDir.resolve(realm + ".json"), new JsonObject(realmJson).put("realm", realm)
          .encode());
      keycloak.importRealm(json);
      HttpResponse<String> descriptor = new Browser().get(keycloak.samlDescriptor(realm));
      assertThat(descriptor.statusCode()).isEqualTo(200);
      assertThat(descriptor.body()).contains("HTTP-Redirect\" Location").contains("SingleLogoutService");
      String upstream = realm.equals("panosc-post") ? "kc-post" : "kc-local";
      String edited = realm.equals("panosc-post")
          ? descriptor.body().replaceAll("<(md:)?SingleLogoutService[^>]*bindings:HTTP-Redirect\"[^>]*>"
              + "(</(md:)?SingleLogoutService>)?", "")
          : descriptor.body().replaceAll("<(md:)?SingleLogoutService[^>]*>(</(md:)?SingleLogoutService>)?", "");
      assertThat(edited).doesNotContain("SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:"
          + "HTTP-Redirect\"");
      assertThat(edited.contains("SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""))
          .isEqualTo(realm.equals("panosc-post"));
      Path file = Files.writeString(dataDir.resolve(realm + "-idp.xml"), edited);
      config.put("services.aai.upstreams." + upstream + ".metadata.file", file.toString());
      config.put("services.aai.upstreams." + upstream + ".metadata.entityId", keycloak.baseUrl() + "/realms/" + realm);
      config.put("services.aai.upstreams." + upstream + ".metadata.displayName", "Keycloak " + upstream);
      config.put("services.aai.upstreams." + upstream + ".attributes.userId", "voPersonID");
    }
    platform = AaiPlatform.start(dataDir.resolve("var"), true, config);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    String sp = new Browser().get(base + "/aai/saml2/sp/metadata").body();
    for (String realm : new String[] {"panosc-post", "panosc-local"}) {
      keycloak.clientFromDescription(realm, sp, Map.of(
          "saml.signing.certificate", firstCertificate(sp, "signing"),
          "saml.encryption.certificate", firstCertificate(sp, "encryption"),
          "saml.encryption.algorithm", "http://www.w3.org/2009/xmlenc11#aes256-gcm",
          "saml.encryption.keyAlgorithm", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"));
    }
    String admin = com.nimbusds.oauth2.sdk.TokenResponse.parse(new com.nimbusds.oauth2.sdk.TokenRequest(
        URI.create(base + "/aai/token"), new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(
            new com.nimbusds.oauth2.sdk.id.ClientID("registry-admin"),
            new com.nimbusds.oauth2.sdk.auth.Secret("registry-admin-demo-secret")),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new com.nimbusds.oauth2.sdk.Scope("registry:admin"))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
    client = "kc-bindings-portal";
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, new JsonObject()
        .put("clientId", client).put("facility", "esrf").put("type", "confidential")
        .put("grantTypes", new JsonArray().add("authorization_code")).put("redirectUris", new JsonArray().add(CALLBACK))
        .put("postLogoutRedirectUris", new JsonArray().add(SIGNED_OUT))
        .put("scopes", new JsonArray().add("openid").add("profile")).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    secret = new JsonObject(created.body()).getString("clientSecret");
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/clients/" + client + "/approve", admin, null)
        .statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }

  private static String firstCertificate(String metadata, String use) {
    Matcher m = Pattern.compile("<(?:md:)?KeyDescriptor use=\"" + use + "\">.*?<(?:ds:)?X509Certificate>([^<]+)"
        + "</(?:ds:)?X509Certificate>", Pattern.DOTALL).matcher(metadata);
    assertThat(m.find()).as(use + " certificate").isTrue();
    return m.group(1).replaceAll("\\s", "");
  }

  private static Map<String, String> inputs(String html) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher f = INPUT.matcher(html);
    while (f.find()) {
      fields.put(f.group(1), f.group(2).replace("&#x2b;", "+").replace("&#x3d;", "=").replace("&#x2f;", "/")
          .replace("&#43;", "+").replace("&#61;", "=").replace("&#47;", "/").replace("&amp;", "&"));
    }
    return fields;
  }

  private static String param(URI uri, String name) {
    return Arrays.stream(uri.getRawQuery().split("&")).filter(p -> p.startsWith(name + "="))
        .map(p -> URLDecoder.decode(p.substring(name.length() + 1), StandardCharsets.UTF_8)).findFirst().orElse(null);
  }

  /** alice signs in to the portal through upstream {@code label}'s Keycloak realm: the ID token. */
  private static String login(Browser browser, String label) throws Exception {
    HttpResponse<String> loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=" + client + "&state=s&nonce=n&redirect_uri=" + Browser.enc(CALLBACK));
    assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
    String href = null;
    Matcher link = UPSTREAM_LINK.matcher(loginPage.body());
    while (link.find()) {
      if (link.group(2).equals(label)) {
        href = link.group(1).replace("&amp;", "&");
      }
    }
    assertThat(href).as(loginPage.body()).isNotNull();
    HttpResponse<String> toIdp = browser.get(base + "/aai/" + href);
    assertThat(toIdp.statusCode()).as(toIdp.body()).isEqualTo(303);
    HttpResponse<String> kcLogin = browser.get(Browser.location(toIdp));
    Matcher form = KC_FORM.matcher(kcLogin.body());
    assertThat(form.find()).as("Keycloak's login form: " + kcLogin.body()).isTrue();
    HttpResponse<String> posted = browser.post(form.group(1).replace("&amp;", "&"),
        Map.of("username", "alice", "password", "alice-kc-pw", "credentialId", ""));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    Map<String, String> answer = inputs(posted.body());
    HttpResponse<String> page = browser.post(base + "/aai/saml2/sp/acs", answer);
    if (page.statusCode() == 200 && page.body().contains("action=\"../../register\"")) {
      Map<String, String> reg = Browser.hidden(page.body());
      reg.put("name", "Alice Keycloak");
      reg.put("email", "alice@keycloak.test");
      reg.put("terms", "accept");
      page = browser.post(base + "/aai/register", reg);
    }
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(302);
    String code = param(URI.create(Browser.location(page)), "code");
    return com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser.parse(new com.nimbusds.oauth2.sdk.TokenRequest(
        URI.create(base + "/aai/token"), new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(
            new com.nimbusds.oauth2.sdk.id.ClientID(client), new com.nimbusds.oauth2.sdk.auth.Secret(secret)),
        new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode(code),
            URI.create(CALLBACK))).toHTTPRequest().send())
        .toSuccessResponse().getTokens().toOIDCTokens().getIDTokenString();
  }

  @Test
  void logoutWhenTheIdpOffersOnlyHttpPostThenAnAutoPostedLogoutRequestKeycloakAnswers() throws Exception {
    Browser browser = new Browser();
    String idToken = login(browser, "Keycloak kc-post");

    HttpResponse<String> out = browser.get(base + "/aai/logout?id_token_hint=" + idToken
        + "&post_logout_redirect_uri=" + Browser.enc(SIGNED_OUT) + "&state=p1");

    assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
    assertThat(browser.cookie("panosc_aai_session")).as("the broker session ended first").isNull();
    String csp = out.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("script-src 'sha256-").contains("form-action " + keycloak.baseUrl())
        .doesNotContain("unsafe-inline");
    Matcher action = FORM_ACTION.matcher(out.body());
    assertThat(action.find()).isTrue();
    String slo = action.group(1).replace("&amp;", "&");
    assertThat(slo).as("the HTTP-POST SingleLogoutService of the realm's metadata")
        .startsWith(keycloak.baseUrl() + "/realms/panosc-post/protocol/saml");
    Map<String, String> fields = inputs(out.body());
    assertThat(fields).containsOnlyKeys("SAMLRequest", "RelayState");
    String request = new String(java.util.Base64.getDecoder().decode(fields.get("SAMLRequest")),
        StandardCharsets.UTF_8);
    assertThat(request).contains("LogoutRequest").contains("ds:Signature").contains("Destination=\"" + slo + "\"");

    HttpResponse<String> atKeycloak = browser.post(slo, fields);
    HttpResponse<String> done;
    if (atKeycloak.statusCode() / 100 == 3) {
      String back = Browser.location(atKeycloak);
      assertThat(back).startsWith(base + "/aai/saml2/sp/slo?SAMLResponse=");
      done = browser.get(back);
    } else {
      assertThat(atKeycloak.statusCode()).as(atKeycloak.body()).isEqualTo(200);
      Matcher back = FORM_ACTION.matcher(atKeycloak.body());
      assertThat(back.find()).as(atKeycloak.body()).isTrue();
      assertThat(back.group(1)).isEqualTo(base + "/aai/saml2/sp/slo");
      done = browser.post(base + "/aai/saml2/sp/slo", inputs(atKeycloak.body()));
    }
    assertThat(done.statusCode()).as("Keycloak confirmed: " + done.body()).isEqualTo(303);
    assertThat(Browser.location(done)).isEqualTo(SIGNED_OUT + "?state=p1");

    HttpResponse<String> again = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=" + client + "&state=s2&nonce=n&redirect_uri=" + Browser.enc(CALLBACK));
    Matcher link = UPSTREAM_LINK.matcher(again.body());
    String href = null;
    while (link.find()) {
      if (link.group(2).equals("Keycloak kc-post")) {
        href = link.group(1).replace("&amp;", "&");
      }
    }
    HttpResponse<String> kcAgain = browser.get(Browser.location(browser.get(base + "/aai/" + href)));
    assertThat(KC_FORM.matcher(kcAgain.body()).find()).as("Keycloak's session ended: its login form again").isTrue();
  }

  @Test
  void logoutWhenTheIdpOffersNoSingleLogoutThenSignedOutHereOnlyAndThePageSaysSo() throws Exception {
    Browser browser = new Browser();
    String idToken = login(browser, "Keycloak kc-local");

    HttpResponse<String> out = browser.get(base + "/aai/logout?id_token_hint=" + idToken
        + "&post_logout_redirect_uri=" + Browser.enc(SIGNED_OUT) + "&state=l1");

    assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
    assertThat(out.body()).contains("You are signed out here").contains("Keycloak kc-local does not let us sign you "
        + "out there").contains("href=\"" + SIGNED_OUT + "?state=l1\"").doesNotContain("SAMLRequest");
    assertThat(browser.cookie("panosc_aai_session")).isNull();
    HttpResponse<String> again = browser.get(base + "/aai/authorize?response_type=code&scope=openid%20profile"
        + "&client_id=" + client + "&state=s3&nonce=n&redirect_uri=" + Browser.enc(CALLBACK));
    assertThat(again.body()).as("signed out at the broker: the login page").contains("Sign in with Keycloak kc-local")
        .doesNotContain("Allow access?");
  }

  /**
   * IdP-initiated from the HTTP-POST-only realm: alice signs out at Keycloak, which sends a LogoutRequest to the
   * broker; the broker ends her session and answers with a signed LogoutResponse in an auto-submitting form to the
   * realm's HTTP-POST SingleLogoutService (no HTTP-Redirect one is in its metadata), which Keycloak accepts.
   */
  @Test
  void logoutWhenAliceSignsOutAtAPostOnlyIdpThenTheAnswerIsPostedBack() throws Exception {
    Browser browser = new Browser();
    login(browser, "Keycloak kc-post");
    assertThat(browser.cookie("panosc_aai_session")).isNotNull();

    HttpResponse<String> step = browser.get(keycloak.baseUrl() + "/realms/panosc-post/protocol/openid-connect/logout");
    boolean atBroker = false;
    for (int hops = 0; hops < 10 && !atBroker; hops++) {
      if (step.statusCode() / 100 == 3) {
        String next = Browser.location(step);
        next = next.startsWith("/") ? keycloak.baseUrl() + next : next;
        atBroker = next.startsWith(base + "/aai/saml2/sp/slo?");
        step = browser.get(next);
      } else {
        assertThat(step.statusCode()).as(step.body()).isEqualTo(200);
        Matcher action = FORM_ACTION.matcher(step.body());
        assertThat(action.find()).as("a form to go on with: " + step.body()).isTrue();
        String to = action.group(1).replace("&amp;", "&");
        Map<String, String> fields = inputs(step.body());
        fields.putIfAbsent("confirmLogout", "Logout");
        atBroker = to.equals(base + "/aai/saml2/sp/slo");
        step = browser.post(to.startsWith("/") ? keycloak.baseUrl() + to : to, fields);
      }
    }
    assertThat(atBroker).as("Keycloak sent a LogoutRequest to the broker").isTrue();
    assertThat(step.statusCode()).as("the answer as an auto-submitting form: " + step.body()).isEqualTo(200);
    assertThat(step.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("form-action " + keycloak.baseUrl()).contains("script-src 'sha256-");
    Matcher action = FORM_ACTION.matcher(step.body());
    assertThat(action.find()).isTrue();
    String slo = action.group(1).replace("&amp;", "&");
    assertThat(slo).startsWith(keycloak.baseUrl() + "/realms/panosc-post/protocol/saml");
    Map<String, String> fields = inputs(step.body());
    assertThat(fields).containsKey("SAMLResponse");
    assertThat(new String(java.util.Base64.getDecoder().decode(fields.get("SAMLResponse")), StandardCharsets.UTF_8))
        .contains("LogoutResponse").contains("urn:oasis:names:tc:SAML:2.0:status:Success").contains("ds:Signature");
    assertThat(browser.cookie("panosc_aai_session")).as("the broker session ended").isNull();
    HttpResponse<String> atKeycloak = browser.post(slo, fields);
    assertThat(atKeycloak.statusCode() / 100).as("Keycloak accepted the answer: " + atKeycloak.body()).isIn(2, 3);
    assertThat(atKeycloak.body()).doesNotContainIgnoringCase("invalid");
  }
}
