package eu.panosc.aai;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.KeyUse;
import eu.panosc.aai.saml.sp.AuthnRequests;
import eu.panosc.aai.saml.sp.SamlKeyType;
import eu.panosc.aai.saml.sp.SamlKeys;
import eu.panosc.aai.saml.sp.SamlLogin;
import eu.panosc.aai.registry.SpRegistration;
import eu.panosc.aai.saml.sp.SpMetadata;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.util.concurrent.atomic.AtomicReference;
import eu.panosc.aai.saml.sp.SamlObjects;
import eu.panosc.aai.saml.sp.SpEndpoints;
import eu.panosc.aai.saml.sp.TestSamlKeys;
import eu.panosc.platform.config.KeysConfig;
import eu.panosc.platform.crypto.KeyEncryptionKeys;
import eu.panosc.platform.keys.PgKeyStorage;
import eu.panosc.platform.keys.RotatingSigningKeys;
import eu.panosc.platform.service.Platform;
import eu.panosc.registry.saml.SamlSchema;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

/**
 * The broker in demo mode walks the SAML login up to the ACS: SP metadata, a signed AuthnRequest, the demo
 * UmbrellaID stand-in's SSO URL, the demo login, and a POST form to the ACS whose SAMLResponse verifies with the IdP's
 * metadata key; then the whole OIDC login through it: the login page's link, the ACS (session, consent, a code the
 * client exchanges for tokens carrying the assertion's acr) and its refusals (replay, unknown handle, tampering).
 */
class SamlDemoLoginIT {
  private static final Pattern UPSTREAM_LINK = Pattern.compile("<a class=\"upstream\" href=\"([^\"]+)\">");
  private static final Pattern FORM_ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\">");
  @TempDir
  static Path dataDir;
  static Platform platform;
  static String base;

  /** What the broker's own SP registration logged (attached before the start, as it runs a second after). */
  static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> REGISTRATION_LOG =
      new ch.qos.logback.core.read.ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    REGISTRATION_LOG.start();
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpRegistration.class))
        .addAppender(REGISTRATION_LOG);
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @AfterAll
  static void stop() throws Exception {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpRegistration.class))
        .detachAppender(REGISTRATION_LOG);
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  /** The SP's signing keys as the broker stored them (sealed under the KEK the platform generated). */
  static SamlKeys spSigningKeys() {
    Pool pool = platform.database().pool(platform.vertx(), "aai");
    try {
      var envelopes = KeyEncryptionKeys.load(new KeysConfig(java.util.Optional.of(
          dataDir.resolve(KeyEncryptionKeys.GENERATED)), java.util.Optional.empty(), List.of(), List.of()), dataDir,
          false, Map.of());
      return new SamlKeys(RotatingSigningKeys.open(new PgKeyStorage(pool, "aai", "saml_sp_signing_key", envelopes),
          Clock.systemUTC(), Duration.ofDays(30), Duration.ofDays(2),
          new SamlKeyType("test", KeyUse.SIGNATURE, Clock.systemUTC()), null).await());
    } finally {
      pool.close().await();
    }
  }

  private static EntityDescriptor metadata(String path) throws Exception {
    HttpResponse<String> r = new Browser().get(base + path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/samlmetadata+xml");
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    SamlSchema.validate(f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()
        .getBytes(StandardCharsets.UTF_8))).getDocumentElement());
    return (EntityDescriptor) SamlObjects.parse(r.body().getBytes(StandardCharsets.UTF_8));
  }

  private static BasicX509Credential signingKeyOf(EntityDescriptor idp) throws Exception {
    var cert = KeyInfoSupport.getCertificates(idp.getIDPSSODescriptor("urn:oasis:names:tc:SAML:2.0:protocol")
        .getKeyDescriptors().get(0).getKeyInfo()).get(0);
    BasicX509Credential key = new BasicX509Credential(cert);
    SignatureValidator.validate(idp.getSignature(), key);
    return key;
  }

  @Test
  void loginWhenDemoUserAtTheStandInThenPostFormToTheAcsWithAResponseSignedByTheIdpMetadataKey() throws Exception {
    EntityDescriptor sp = metadata("/aai/saml2/sp/metadata");
    SpEndpoints endpoints = SpEndpoints.under(URI.create(base + "/aai"));
    assertThat(sp.getEntityID()).isEqualTo(endpoints.entityId());
    assertThat(sp.getSPSSODescriptor("urn:oasis:names:tc:SAML:2.0:protocol").getAttributeConsumingServices().get(0)
        .getRequestedAttributes()).as("from the built-in attribute maps").extracting(a -> a.getName())
        .contains("urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "urn:oid:0.9.2342.19200300.100.1.3");
    EntityDescriptor idp = metadata("/aai/demo/umbrellaid/metadata");
    BasicX509Credential idpKey = signingKeyOf(idp);
    String sso = idp.getIDPSSODescriptor("urn:oasis:names:tc:SAML:2.0:protocol").getSingleSignOnServices().get(0)
        .getLocation();
    assertThat(sso).isEqualTo(base + "/aai/demo/umbrellaid/sso");

    AuthnRequests.Redirect redirect = new AuthnRequests(endpoints, spSigningKeys(), Clock.systemUTC())
        .redirect(sso, List.of(), false, "opaque-handle");
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(redirect.url());
    assertThat(loginPage.statusCode()).isEqualTo(200);
    assertThat(loginPage.body()).contains("Sign in").contains(endpoints.entityId());
    Map<String, String> hidden = Browser.hidden(loginPage.body());
    hidden.put("username", "alice");
    hidden.put("password", "alice-demo-pw");
    HttpResponse<String> post = browser.post(base + "/aai/demo/umbrellaid/login", hidden);

    assertThat(post.statusCode()).isEqualTo(200);
    Matcher action = FORM_ACTION.matcher(post.body());
    assertThat(action.find()).isTrue();
    assertThat(action.group(1)).isEqualTo(base + "/aai/saml2/sp/acs");
    assertThat(post.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("form-action " + base).contains("script-src 'sha256-");
    Map<String, String> fields = Browser.hidden(post.body());
    assertThat(fields.get("RelayState")).isEqualTo("opaque-handle");
    Response response = (Response) SamlObjects.parse(Base64.getDecoder().decode(fields.get("SAMLResponse")));
    SignatureValidator.validate(response.getSignature(), idpKey);
    assertThat(response.getInResponseTo()).isEqualTo(redirect.requestId());
    assertThat(response.getDestination()).isEqualTo(base + "/aai/saml2/sp/acs");
    assertThat(response.getEncryptedAssertions()).as("the SP publishes an encryption key").hasSize(1);
    assertThat(browser.cookie("panosc_demo_idp_session")).isNotNull();

    HttpResponse<String> again = browser.get(new AuthnRequests(endpoints, spSigningKeys(), Clock.systemUTC())
        .redirect(sso, List.of(), false, "h2").url());
    assertThat(Browser.hidden(again.body())).as("single sign-on: answered without a login form")
        .containsKey("SAMLResponse");
    assertThat(browser.get(base + "/aai/demo/umbrellaid/slo").body()).contains("signed out of the demo");
    assertThat(Browser.hidden(browser.get(new AuthnRequests(endpoints, spSigningKeys(), Clock.systemUTC())
        .redirect(sso, List.of(), false, "h3").url()).body())).containsKey("req").doesNotContainKey("SAMLResponse");
  }

  @Test
  void ssoWhenUnsignedOrForeignRequestThenHumanPageAndNoAnswer() throws Exception {
    SpEndpoints endpoints = SpEndpoints.under(URI.create(base + "/aai"));
    String sso = base + "/aai/demo/umbrellaid/sso";
    String signed = new AuthnRequests(endpoints, spSigningKeys(), Clock.systemUTC())
        .redirect(sso, List.of(), false, "h").url();
    HttpResponse<String> unsigned = new Browser().get(signed.substring(0, signed.indexOf("&SigAlg=")));
    assertThat(unsigned.statusCode()).isEqualTo(400);
    assertThat(unsigned.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(unsigned.body()).contains("Login request refused").contains("not signed")
        .doesNotContain("SAMLResponse").doesNotContain("Exception");

    String foreign = new AuthnRequests(SpEndpoints.under(URI.create("https://evil.example/aai")),
        TestSamlKeys.other(), Clock.systemUTC()).redirect(sso, List.of(), false, "h").url();
    HttpResponse<String> refused = new Browser().get(foreign);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("Unknown application").doesNotContain("SAMLResponse");

    HttpResponse<String> garbage = new Browser().get(sso + "?SAMLRequest=bm90IGRlZmxhdGU%3D");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).contains("Request not understood");
  }

  @Test
  void samlKeysWhenStoredThenSealedUnderTheKekNeverPlaintext() {
    Pool pool = platform.database().pool(platform.vertx(), "aai");
    try {
      for (String table : List.of("saml_sp_signing_key", "saml_sp_encryption_key", "saml_demo_idp_key")) {
        var rows = pool.query("SELECT private_jwk, sealed_jwk FROM " + table).execute().await();
        assertThat(rows.size()).as(table + ": current and next key").isEqualTo(2);
        rows.forEach(r -> {
          assertThat(r.getString(0)).as(table).isNull();
          assertThat(r.getString(1)).as(table).startsWith("pk1.").doesNotContain("\"d\"");
        });
      }
    } finally {
      pool.close().await();
    }
  }

  /** Follows the login page's "Sign in with UmbrellaID" link, logs in at the stand-in; the auto-post form's fields. */
  private static Map<String, String> throughTheStandIn(Browser browser, HttpResponse<String> loginPage, String user) {
    Matcher link = UPSTREAM_LINK.matcher(loginPage.body());
    assertThat(link.find()).as(loginPage.body()).isTrue();
    HttpResponse<String> toIdp = browser.get(base + "/aai/" + link.group(1).replace("&amp;", "&"));
    assertThat(toIdp.statusCode()).as(toIdp.body()).isEqualTo(303);
    String sso = Browser.location(toIdp);
    assertThat(sso).startsWith(base + "/aai/demo/umbrellaid/sso?SAMLRequest=").contains("&RelayState=")
        .contains("&Signature=");
    HttpResponse<String> idpLogin = browser.get(sso);
    Map<String, String> form = Browser.hidden(idpLogin.body());
    form.put("username", user);
    form.put("password", user + "-demo-pw");
    HttpResponse<String> post = browser.post(base + "/aai/demo/umbrellaid/login", form);
    assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
    return Browser.hidden(post.body());
  }

  private static String pkceChallenge(String verifier) throws Exception {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void loginWhenThroughTheStandInThenSessionConsentAndACodeTheClientExchanges() throws Exception {
    String verifier = "v".repeat(20) + java.util.UUID.randomUUID();
    String redirectUri = "http://127.0.0.1/callback";
    String authorize = base + "/aai/authorize?response_type=code&scope=openid%20email&client_id=panosc-cli&state=s1"
        + "&redirect_uri=" + Browser.enc(redirectUri) + "&code_challenge=" + pkceChallenge(verifier)
        + "&code_challenge_method=S256";
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize);
    assertThat(loginPage.statusCode()).isEqualTo(200);
    assertThat(loginPage.body()).contains("Sign in with UmbrellaID (demo)").contains("name=\"password\"");

    Map<String, String> posted = throughTheStandIn(browser, loginPage, "alice");
    HttpResponse<String> consent = browser.post(base + "/aai/saml2/sp/acs", posted);
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    assertThat(consent.body()).contains("Allow access?").contains("action=\"../../consent\"");
    assertThat(browser.cookie("panosc_aai_session")).as("a broker session after the SAML login").isNotNull();
    HttpResponse<String> redirect = browser.consent(base, consent, true);
    assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
    URI back = URI.create(Browser.location(redirect));
    assertThat(back.toString()).startsWith(redirectUri + "?").contains("state=s1");
    String code = java.util.Arrays.stream(back.getRawQuery().split("&")).filter(p -> p.startsWith("code="))
        .map(p -> java.net.URLDecoder.decode(p.substring(5), StandardCharsets.UTF_8)).findFirst().orElseThrow();
    HttpResponse<String> tokens = browser.post(base + "/aai/token", Map.of("grant_type", "authorization_code",
        "code", code, "redirect_uri", redirectUri, "client_id", "panosc-cli", "code_verifier", verifier));
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    io.vertx.core.json.JsonObject idToken = new io.vertx.core.json.JsonObject(new String(Base64.getUrlDecoder()
        .decode(new io.vertx.core.json.JsonObject(tokens.body()).getString("id_token").split("\\.")[1]),
        StandardCharsets.UTF_8));
    assertThat(idToken.getString("acr")).as("the assertion's AuthnContextClassRef").isNotBlank()
        .isNotEqualTo("urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified");
    assertThat(idToken.getString("sub")).isNotBlank();

    HttpResponse<String> replayed = browser.post(base + "/aai/saml2/sp/acs", posted);
    assertThat(replayed.statusCode()).isEqualTo(400);
    assertThat(replayed.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(replayed.body()).contains("Sign-in already used").doesNotContain("Exception");
    HttpResponse<String> elsewhere = new Browser().post(base + "/aai/saml2/sp/acs", posted);
    assertThat(elsewhere.statusCode()).as("another browser has no flow cookie").isEqualTo(403);
    assertThat(elsewhere.body()).contains("Sign-in started elsewhere");
  }

  @Test
  void acsWhenUnknownHandleTamperedResponseOrNothingThenHumanPageAndNoSession() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid"
        + "&client_id=panosc-cli&state=s2&redirect_uri=" + Browser.enc("http://127.0.0.1/callback")
        + "&code_challenge=" + pkceChallenge("w".repeat(50)) + "&code_challenge_method=S256");
    Map<String, String> posted = throughTheStandIn(browser, loginPage, "alice");

    Map<String, String> unknown = new java.util.HashMap<>(posted);
    unknown.put("RelayState", "not-a-handle-we-issued");
    Browser withCookie = new Browser();
    withCookie.setCookie(base, SamlLogin.flowCookieName("not-a-handle-we-issued"),
        SamlLogin.binding("not-a-handle-we-issued"));
    HttpResponse<String> r1 = withCookie.post(base + "/aai/saml2/sp/acs", unknown);
    assertThat(r1.statusCode()).isEqualTo(400);
    assertThat(r1.body()).contains("Sign-in not known here");

    Map<String, String> tampered = new java.util.HashMap<>(posted);
    String xml = new String(Base64.getDecoder().decode(posted.get("SAMLResponse")), StandardCharsets.UTF_8);
    tampered.put("SAMLResponse", Base64.getEncoder().encodeToString(xml.replaceFirst("IssueInstant=\"",
        "IssueInstant=\"1").getBytes(StandardCharsets.UTF_8)));
    Browser victim = new Browser();
    HttpResponse<String> injected = victim.post(base + "/aai/saml2/sp/acs", tampered);
    assertThat(injected.statusCode()).as("login CSRF: the victim's browser did not start this flow").isEqualTo(403);
    assertThat(injected.body()).contains("Sign-in started elsewhere").doesNotContain("Exception");
    assertThat(victim.cookie("panosc_aai_session")).isNull();
    HttpResponse<String> r2 = browser.post(base + "/aai/saml2/sp/acs", tampered);
    assertThat(r2.statusCode()).isEqualTo(400);
    assertThat(r2.body()).contains("Sign-in answer not accepted").doesNotContain("Exception");
    assertThat(browser.cookie("panosc_aai_session")).isNull();
    HttpResponse<String> r3 = browser.post(base + "/aai/saml2/sp/acs", posted);
    assertThat(r3.statusCode()).as("the flow was used by the refused answer").isEqualTo(400);
    assertThat(r3.body()).contains("Sign-in already used");

    HttpResponse<String> empty = new Browser().post(base + "/aai/saml2/sp/acs", Map.of());
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("Sign-in answer incomplete");
    HttpResponse<String> badStart = new Browser().get(base + "/aai/saml2/sp/login?req=nothing-pending");
    assertThat(badStart.statusCode()).isEqualTo(400);
    assertThat(badStart.body()).contains("This page has expired");
  }

  @Test
  void acsWhenTheStandInAnswersNoAuthnContextToAnMfaRequestThenUnmetAuthenticationRequirementsAtTheClient()
      throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(base + "/aai/authorize?response_type=code&scope=openid"
        + "&client_id=panosc-cli&state=mfa-1&redirect_uri=" + Browser.enc("http://127.0.0.1/callback")
        + "&code_challenge=" + pkceChallenge("q".repeat(50)) + "&code_challenge_method=S256"
        + "&acr_values=" + Browser.enc("https://refeds.org/profile/mfa"));
    Map<String, String> posted = throughTheStandIn(browser, loginPage, "alice");
    String xml = new String(Base64.getDecoder().decode(posted.get("SAMLResponse")), StandardCharsets.UTF_8);
    assertThat(xml).as("the stand-in cannot do MFA").contains("urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext");

    HttpResponse<String> back = browser.post(base + "/aai/saml2/sp/acs", posted);

    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    String location = Browser.location(back);
    assertThat(location).startsWith("http://127.0.0.1/callback?").contains("error=unmet_authentication_requirements")
        .contains("state=mfa-1").doesNotContain("code=");
    assertThat(browser.cookie("panosc_aai_session")).as("no session").isNull();
    HttpResponse<String> again = browser.post(base + "/aai/saml2/sp/acs", posted);
    assertThat(again.statusCode()).as("the pending authorization ended").isEqualTo(400);
  }

  /**
   * OIDC Core 5.5.1.1: an essential {@code acr} in the {@code claims} parameter is required exactly as
   * {@code acr_values} are (the stand-in cannot do MFA: unmet_authentication_requirements at the client); a voluntary
   * one is a preference (the login goes on); a malformed {@code claims} is invalid_request at the client.
   */
  @Test
  void authorizeWhenClaimsParameterAsksAcrThenEssentialRequiredVoluntaryPreferenceMalformedRefused()
      throws Exception {
    String authorize = base + "/aai/authorize?response_type=code&scope=openid&client_id=panosc-cli"
        + "&redirect_uri=" + Browser.enc("http://127.0.0.1/callback") + "&code_challenge=" + pkceChallenge(
            "c".repeat(50)) + "&code_challenge_method=S256&claims=";
    Browser browser = new Browser();
    HttpResponse<String> loginPage = browser.get(authorize + Browser.enc("{\"id_token\":{\"acr\":{\"essential\":"
        + "true,\"values\":[\"https://refeds.org/profile/mfa\"]}}}") + "&state=claims-1");
    Map<String, String> posted = throughTheStandIn(browser, loginPage, "alice");
    String xml = new String(Base64.getDecoder().decode(posted.get("SAMLResponse")), StandardCharsets.UTF_8);
    assertThat(xml).as("asked upstream as RequestedAuthnContext, which the stand-in cannot meet")
        .contains("urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext");
    HttpResponse<String> back = browser.post(base + "/aai/saml2/sp/acs", posted);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(Browser.location(back)).startsWith("http://127.0.0.1/callback?")
        .contains("error=unmet_authentication_requirements").contains("state=claims-1").doesNotContain("code=");

    Browser voluntary = new Browser();
    HttpResponse<String> page = voluntary.get(authorize + Browser.enc("{\"id_token\":{\"acr\":{\"values\":"
        + "[\"https://refeds.org/profile/mfa\"]}}}") + "&state=claims-2");
    Map<String, String> answer = throughTheStandIn(voluntary, page, "alice");
    assertThat(new String(Base64.getDecoder().decode(answer.get("SAMLResponse")), StandardCharsets.UTF_8))
        .doesNotContain("NoAuthnContext");
    HttpResponse<String> consent = voluntary.post(base + "/aai/saml2/sp/acs", answer);
    assertThat(consent.statusCode()).as("a voluntary acr does not stop the login: " + consent.body()).isIn(200, 302);
    assertThat(voluntary.cookie("panosc_aai_session")).isNotNull();

    HttpResponse<String> malformed = new Browser().get(authorize + Browser.enc("{\"id_token\":{\"acr\":"
        + "\"https://refeds.org/profile/mfa\"}}") + "&state=claims-3");
    assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(302);
    assertThat(Browser.location(malformed)).contains("error=invalid_request").contains("state=claims-3");
  }

  private static final String SP_ID = "https://sp.test.example/aai/saml2/sp/metadata";

  private static String adminToken(String base) throws Exception {
    return TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID("registry-admin"), new Secret("registry-admin-demo-secret")),
        new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), new com.nimbusds.oauth2.sdk.Scope("registry:admin"))
        .toHTTPRequest().send()).toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  private static String metadata(boolean rotated) {
    return new SpMetadata(SpEndpoints.under(URI.create("https://sp.test.example/aai")),
        rotated ? TestSamlKeys.other() : TestSamlKeys.signing(), TestSamlKeys.encryption(), List.of(),
        "security@sp.test.example", Clock.systemUTC()).signedXml();
  }

  /**
   * The broker's SP keeps itself registered in the real federation-registry (one process in demo mode) through the
   * registry's public admin API: registered and approved, then served over MDQ; unchanged metadata is left alone, new
   * metadata (rotated keys) replaces the old, a member an administrator suspended stays suspended. The broker's own
   * start-up registration uses a token it issues itself; its public URL here is http, which the registry refuses as
   * an SP entityID (https or urn only), so that attempt is checked to reach the registry's validation (the token was
   * accepted) and to be logged and retried; the round trips use an https SP entity id.
   */
  @Test
  void registerWhenRunAgainstTheRegistryThenApprovedServedOverMdqUpdatedAndSuspensionRespected() throws Exception {
    var log = REGISTRATION_LOG;
    for (int i = 0; i < 40 && log.list.isEmpty(); i++) {
      Thread.sleep(250);
    }
    assertThat(log.list).as("the broker's own attempt reached the registry's validation (its token was accepted)")
        .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("HTTP 400")
            .contains("must be an absolute https URL or a urn").contains("trying again in PT12H"));

    String token = adminToken(base);
    AtomicReference<String> xml = new AtomicReference<>(metadata(false));
    SpRegistration registration = new SpRegistration(platform.vertx(), URI.create(base + "/registry"),
        () -> Future.succeededFuture(token), SP_ID, xml::get);
    try {
      assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isEqualTo(SpRegistration.Outcome.REGISTERED);
      String member = base + "/registry/admin/v1/saml-entities/" + URLEncoder.encode(SP_ID, StandardCharsets.UTF_8);
      JsonObject stored = new JsonObject(Http.getAuthorized(member, token).body());
      assertThat(stored.getString("state")).isEqualTo("approved");
      // the registry rebuilds its signed metadata after the change: poll a little
      HttpResponse<String> mdq = null;
      for (int i = 0; i < 60 && (mdq == null || mdq.statusCode() != 200); i++) {
        if (mdq != null) {
          Thread.sleep(250);
        }
        mdq = Http.get(base + "/registry/mdq/entities/" + URLEncoder.encode(SP_ID, StandardCharsets.UTF_8));
      }
      assertThat(mdq.statusCode()).as(mdq.body()).isEqualTo(200);
      assertThat(mdq.body()).contains("entityID=\"" + SP_ID + "\"").contains("SPSSODescriptor");

      assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isEqualTo(SpRegistration.Outcome.UNCHANGED);

      xml.set(metadata(true));
      assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isEqualTo(SpRegistration.Outcome.UPDATED);
      assertThat(new JsonObject(Http.getAuthorized(member, token).body()).getString("metadata"))
          .isEqualTo(xml.get());

      assertThat(Http.sendJson("POST", member + "/suspend", token, null).statusCode()).isEqualTo(200);
      assertThat(registration.registerOnce().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isEqualTo(SpRegistration.Outcome.SUSPENDED);
      assertThat(new JsonObject(Http.getAuthorized(member, token).body()).getString("state"))
          .as("an administrator's suspension stands").isEqualTo("suspended");
    } finally {
      registration.close();
    }
  }
}
