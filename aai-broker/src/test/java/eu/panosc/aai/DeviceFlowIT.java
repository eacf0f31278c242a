package eu.panosc.aai;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationGrantError;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The device authorization grant (RFC 8628) end to end: a device (Nimbus oauth2-oidc-sdk as the client) asks for
 * codes and polls; a person's browser (JDK HttpClient) enters the user code, logs in with the demo connector and
 * approves or denies on the consent screen; tokens are checked with the JDK's own ECDSA. The clock is injected so
 * that polling intervals and expiry are tested without waiting.
 */
class DeviceFlowIT {
  static final String CLI = "panosc-cli";
  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  @TempDir
  static Path dataDir;

  static MutableClock clock = new MutableClock(Instant.now());
  static Platform platform;
  static String base;
  static URI tokenEndpoint;
  static URI deviceEndpoint;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of(), clock);
    base = platform.baseUrl().toString().replaceAll("/+$", "");
    tokenEndpoint = URI.create(base + "/aai/token");
    deviceEndpoint = URI.create(base + "/aai/device_authorization");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  // --- the device -------------------------------------------------------------------------------------------

  static DeviceAuthorizationSuccessResponse startDevice(String clientId, String scope) throws Exception {
    DeviceAuthorizationResponse r = DeviceAuthorizationResponse.parse(new DeviceAuthorizationRequest.Builder(
        new ClientID(clientId)).scope(Scope.parse(scope)).endpointURI(deviceEndpoint).build().toHTTPRequest().send());
    assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
    return r.toSuccessResponse();
  }

  static TokenResponse poll(String clientId, DeviceCode code) throws Exception {
    return OIDCTokenResponseParser.parse(new TokenRequest(tokenEndpoint, new ClientID(clientId),
        new DeviceCodeGrant(code)).toHTTPRequest().send());
  }

  static String pollError(String clientId, DeviceCode code) throws Exception {
    TokenResponse r = poll(clientId, code);
    assertThat(r.indicatesSuccess()).as("poll should fail").isFalse();
    return ((TokenErrorResponse) r).getErrorObject().getCode();
  }

  static HttpResponse<String> form(String path, String body, String basicAuth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (basicAuth != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
    }
    return Http.send(b.build());
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  // --- the person -------------------------------------------------------------------------------------------

  /** Opens the verification page and submits {@code userCode}. */
  static HttpResponse<String> enterCode(Browser browser, String userCode) {
    HttpResponse<String> page = browser.get(base + "/aai/device");
    assertThat(page.statusCode()).isEqualTo(200);
    Map<String, String> fields = Browser.hidden(page.body());
    fields.put("user_code", userCode);
    return browser.post(base + "/aai/device", fields);
  }

  static HttpResponse<String> submit(Browser browser, HttpResponse<String> page, Map<String, String> extra) {
    Map<String, String> fields = Browser.hidden(page.body());
    fields.putAll(extra);
    return browser.post(base + "/aai/device", fields);
  }

  /** Enters the code, logs in as {@code user} when asked, and answers the consent screen; the last page. */
  static HttpResponse<String> decide(Browser browser, String userCode, String user, boolean approve) {
    HttpResponse<String> page = enterCode(browser, userCode);
    if (page.body().contains("name=\"password\"")) {
      assertThat(page.statusCode()).isEqualTo(200);
      page = submit(browser, page, Map.of("username", user, "password", user + "-demo-pw"));
    }
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("Allow access?", userCode);
    return submit(browser, page, Map.of("decision", approve ? "approve" : "deny"));
  }

  // --- the tests --------------------------------------------------------------------------------------------

  @Test
  void deviceFlowWhenApprovedThenTheUsersTokensExactlyLikeTheCodeFlow() throws Exception {
    HttpResponse<String> raw = form("/aai/device_authorization", "client_id=" + CLI
        + "&scope=" + Browser.enc("openid profile offline_access"), null);
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject started = json(raw);
    String userCode = started.getString("user_code");
    assertThat(userCode).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
    assertThat(started.getString("device_code")).as("256-bit, base64url").matches("[A-Za-z0-9_-]{43}");
    assertThat(started.getString("verification_uri")).isEqualTo(base + "/aai/device");
    assertThat(started.getString("verification_uri_complete")).isEqualTo(base + "/aai/device?user_code=" + userCode);
    assertThat(started.getLong("expires_in")).isEqualTo(600);
    assertThat(started.getLong("interval")).isEqualTo(5);
    DeviceCode deviceCode = new DeviceCode(started.getString("device_code"));

    assertThat(pollError(CLI, deviceCode)).isEqualTo(DeviceAuthorizationGrantError.AUTHORIZATION_PENDING.getCode());

    // the person follows verification_uri_complete: the code is prefilled, they confirm it, log in and allow
    Browser browser = new Browser();
    HttpResponse<String> prefilled = browser.get(started.getString("verification_uri_complete"));
    assertThat(prefilled.statusCode()).isEqualTo(200);
    assertThat(prefilled.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(prefilled.body()).contains("value=\"" + userCode + "\"", "name=\"csrf\"");
    Map<String, String> confirm = Browser.hidden(prefilled.body());
    confirm.put("user_code", userCode.toLowerCase().replace("-", ""));   // typed in any case, without the dash
    HttpResponse<String> login = browser.post(base + "/aai/device", confirm);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("Sign in", "name=\"password\"", "the panosc command line");
    HttpResponse<String> consent = submit(browser, login, Map.of("username", "alice", "password", "alice-demo-pw"));
    assertThat(consent.statusCode()).isEqualTo(200);
    assertThat(consent.body()).contains("Allow access?", "Alice Martin", "the panosc command line", "panosc-cli",
        "offline_access", userCode);
    assertThat(consent.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith("panosc_aai_session=").containsIgnoringCase("HttpOnly"));
    HttpResponse<String> done = submit(browser, consent, Map.of("decision", "approve"));
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("Device signed in", "Go back to your device");
    AuthorizationCodeFlowIT.assertPersonReadable(done.body());

    TokenResponse answer = poll(CLI, deviceCode);
    assertThat(answer.indicatesSuccess()).as(() -> answer.toErrorResponse().getErrorObject().toString()).isTrue();
    var tokens = ((OIDCTokenResponse) answer.toSuccessResponse()).getOIDCTokens();
    assertThat(tokens.getAccessToken().getLifetime()).isEqualTo(300);
    assertThat(tokens.getRefreshToken()).isNotNull();
    JsonObject jwks = new JsonObject(Http.get(base + "/aai/jwks").body());
    JsonObject at = JdkEs256.verify(tokens.getAccessToken().getValue(), jwks);
    assertThat(at.getJsonObject("header").getString("typ")).isEqualTo("at+jwt");
    JsonObject claims = at.getJsonObject("claims");
    assertThat(claims.getString("iss")).isEqualTo(base + "/aai");
    assertThat(claims.getString("client_id")).isEqualTo(CLI);
    assertThat(claims.getString("scope")).isEqualTo("offline_access openid profile");
    assertThat(claims.getString("acr")).isEqualTo("https://refeds.org/sfa");
    assertThat(claims.getString("sub")).hasSize(43).doesNotContain("alice");
    JsonObject id = JdkEs256.verify(tokens.getIDTokenString(), jwks).getJsonObject("claims");
    assertThat(id.getValue("aud").toString()).contains(CLI);
    assertThat(id.getString("sub")).isEqualTo(claims.getString("sub"));
    assertThat(id.getString("at_hash")).isNotBlank();

    // the same user and client through the code flow (same browser: signed in, consent remembered) get the same sub
    assertThat(codeFlowSub(browser)).isEqualTo(claims.getString("sub"));

    // userinfo accepts the device's token; the refresh token works like the code flow's
    HttpResponse<String> info = Http.getAuthorized(base + "/aai/userinfo", tokens.getAccessToken().getValue());
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(json(info).getString("name")).isEqualTo("Alice Martin");
    HttpResponse<String> refreshed = form("/aai/token", "grant_type=refresh_token&client_id=" + CLI + "&refresh_token="
        + Browser.enc(tokens.getRefreshToken().getValue()), null);
    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);

    // single use: the device code and the user code are spent
    TokenResponse again = poll(CLI, deviceCode);
    assertThat(((TokenErrorResponse) again).getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(((TokenErrorResponse) again).getErrorObject().getDescription()).contains("already used");
    HttpResponse<String> usedPage = enterCode(browser, userCode);
    assertThat(usedPage.statusCode()).isEqualTo(400);
    assertThat(usedPage.body()).contains("already used");
    AuthorizationCodeFlowIT.assertPersonReadable(usedPage.body());
  }

  /** The access token's sub when {@code browser}'s person signs panosc-cli in through the code flow with PKCE. */
  static String codeFlowSub(Browser browser) throws Exception {
    String verifier = "v".repeat(43);
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    String redirect = "http://127.0.0.1/callback";
    HttpResponse<String> page = browser.get(base + "/aai/authorize?response_type=code&client_id=" + CLI
        + "&scope=openid&state=s&redirect_uri=" + Browser.enc(redirect) + "&code_challenge=" + challenge
        + "&code_challenge_method=S256");
    if (page.statusCode() == 200 && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    String location = Browser.location(page);
    assertThat(location).startsWith(redirect + "?code=");
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : URI.create(location).getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    HttpResponse<String> exchanged = form("/aai/token", "grant_type=authorization_code&client_id=" + CLI + "&code="
        + Browser.enc(query.get("code")) + "&redirect_uri=" + Browser.enc(redirect) + "&code_verifier=" + verifier, null);
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    JsonObject jwks = new JsonObject(Http.get(base + "/aai/jwks").body());
    return JdkEs256.verify(json(exchanged).getString("access_token"), jwks).getJsonObject("claims").getString("sub");
  }

  @Test
  void pollWhenFasterThanTheIntervalThenSlowDownAndTheIntervalGrowsBy5Seconds() throws Exception {
    DeviceAuthorizationSuccessResponse s = startDevice(CLI, "openid");
    assertThat(s.getInterval()).isEqualTo(5);
    assertThat(pollError(CLI, s.getDeviceCode())).isEqualTo("authorization_pending");
    TokenResponse fast = poll(CLI, s.getDeviceCode());
    assertThat(((TokenErrorResponse) fast).getErrorObject().getCode())
        .isEqualTo(DeviceAuthorizationGrantError.SLOW_DOWN.getCode());
    assertThat(((TokenErrorResponse) fast).getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    assertThat(((TokenErrorResponse) fast).getErrorObject().getDescription()).contains("10 seconds");
    clock.advance(Duration.ofSeconds(9));
    TokenResponse stillFast = poll(CLI, s.getDeviceCode());
    assertThat(((TokenErrorResponse) stillFast).getErrorObject().getCode()).isEqualTo("slow_down");
    assertThat(((TokenErrorResponse) stillFast).getErrorObject().getDescription()).contains("15 seconds");
    clock.advance(Duration.ofSeconds(15));
    assertThat(pollError(CLI, s.getDeviceCode())).as("waited the raised interval").isEqualTo("authorization_pending");
    clock.advance(Duration.ofSeconds(15));
    assertThat(pollError(CLI, s.getDeviceCode())).isEqualTo("authorization_pending");
  }

  @Test
  void personWhenDeniesThenAccessDeniedAndTheCodeIsSpent() throws Exception {
    DeviceAuthorizationSuccessResponse s = startDevice(CLI, "openid profile");
    Browser browser = new Browser();
    HttpResponse<String> denied = decide(browser, s.getUserCode().getValue(), "bob", false);
    assertThat(denied.statusCode()).isEqualTo(200);
    assertThat(denied.body()).contains("Access denied", "did not allow");
    AuthorizationCodeFlowIT.assertPersonReadable(denied.body());
    TokenResponse r = poll(CLI, s.getDeviceCode());
    assertThat(((TokenErrorResponse) r).getErrorObject().getCode()).isEqualTo("access_denied");
    assertThat(((TokenErrorResponse) r).getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    clock.advance(Duration.ofSeconds(5));
    assertThat(pollError(CLI, s.getDeviceCode())).isEqualTo("access_denied");
    HttpResponse<String> again = enterCode(browser, s.getUserCode().getValue());
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("already used");
  }

  @Test
  void deviceCodeWhenExpiredThenExpiredTokenAndThePageSaysSo() throws Exception {
    DeviceAuthorizationSuccessResponse s = startDevice(CLI, "openid");
    assertThat(s.getLifetime()).isEqualTo(600);
    assertThat(pollError(CLI, s.getDeviceCode())).isEqualTo("authorization_pending");
    clock.advance(Duration.ofSeconds(601));
    assertThat(pollError(CLI, s.getDeviceCode())).isEqualTo(DeviceAuthorizationGrantError.EXPIRED_TOKEN.getCode());
    HttpResponse<String> page = enterCode(new Browser(), s.getUserCode().getValue());
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.body()).contains("expired", "get a new code");
    AuthorizationCodeFlowIT.assertPersonReadable(page.body());
  }

  @Test
  void verificationPageWhenCodeWrongThenPageAgainAndAtMost5WrongCodesPerMinute() throws Exception {
    DeviceAuthorizationSuccessResponse s = startDevice(CLI, "openid");
    String real = s.getUserCode().getValue();
    Browser browser = new Browser();
    HttpResponse<String> entry = browser.get(base + "/aai/device");
    assertThat(entry.statusCode()).isEqualTo(200);
    assertThat(entry.body()).contains("Enter the code", "name=\"user_code\"", "name=\"csrf\"");
    assertThat(entry.headers().firstValue("X-Frame-Options")).hasValue("DENY");

    HttpResponse<String> noCsrf = browser.post(base + "/aai/device", Map.of("step", "code", "user_code", real));
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(noCsrf.body()).contains("could not be verified");
    AuthorizationCodeFlowIT.assertPersonReadable(noCsrf.body());

    String wrong = real.startsWith("B") ? "CCCC-CCCC" : "BBBB-BBBB";
    for (String typed : new String[] {wrong, "hello", "AEIO-UAEI", wrong.replace("-", ""), "12345678"}) {
      HttpResponse<String> page = enterCode(browser, typed);
      assertThat(page.statusCode()).as(typed).isEqualTo(400);
      assertThat(page.body()).contains("not valid", "name=\"user_code\"");
      AuthorizationCodeFlowIT.assertPersonReadable(page.body());
    }
    HttpResponse<String> blocked = enterCode(browser, real);
    assertThat(blocked.statusCode()).as("even the right code, after 5 wrong ones").isEqualTo(429);
    assertThat(blocked.body()).contains("Too many wrong codes", "Wait a minute");
    AuthorizationCodeFlowIT.assertPersonReadable(blocked.body());

    HttpResponse<String> other = enterCode(new Browser(), real);
    assertThat(other.statusCode()).as("another browser").isEqualTo(200);
    assertThat(other.body()).contains("name=\"password\"");
    clock.advance(Duration.ofSeconds(60));
    assertThat(enterCode(browser, real).statusCode()).as("a minute later").isEqualTo(200);
  }

  @Test
  void deviceCodeWhenPolledByAnotherClientThenInvalidGrant() throws Exception {
    String admin = json(form("/aai/token", "grant_type=client_credentials&scope=registry:admin",
        "registry-admin:registry-admin-demo-secret")).getString("access_token");
    JsonObject tool = new JsonObject().put("clientId", "device-tool").put("type", "public").put("authMethod", "none")
        .put("grantTypes", new JsonArray().add(DEVICE_GRANT)).put("scopes", new JsonArray().add("openid"))
        .put("description", "a second device client");
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, tool.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Http.sendJson("POST", base + "/registry/admin/v1/clients/device-tool/approve", admin, null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(form("/aai/device_authorization",
        "client_id=device-tool&scope=openid", null).statusCode()).isEqualTo(200));

    DeviceAuthorizationSuccessResponse s = startDevice(CLI, "openid");
    TokenResponse foreign = poll("device-tool", s.getDeviceCode());
    assertThat(((TokenErrorResponse) foreign).getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(((TokenErrorResponse) foreign).getErrorObject().getDescription()).contains("another client");
    assertThat(pollError(CLI, s.getDeviceCode())).as("its own client still waits").isEqualTo("authorization_pending");
    assertThat(pollError(CLI, new DeviceCode("no-such-device-code-" + "x".repeat(30)))).isEqualTo("invalid_grant");
  }

  @Test
  void deviceAuthorizationWhenClientOrScopeWrongThenRfcErrors() {
    HttpResponse<String> confidential = form("/aai/device_authorization", "scope=openid",
        "scicat-esrf:scicat-esrf-demo-secret");
    assertThat(confidential.statusCode()).isEqualTo(400);
    assertThat(json(confidential).getString("error")).isEqualTo("unauthorized_client");
    HttpResponse<String> polling = form("/aai/token", "grant_type=" + Browser.enc(DEVICE_GRANT) + "&device_code=x",
        "scicat-esrf:scicat-esrf-demo-secret");
    assertThat(json(polling).getString("error")).isEqualTo("unauthorized_client");

    HttpResponse<String> unknown = form("/aai/device_authorization", "client_id=nobody&scope=openid", null);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(json(unknown).getString("error")).isEqualTo("invalid_client");
    HttpResponse<String> anonymous = form("/aai/device_authorization", "scope=openid", null);
    assertThat(json(anonymous).getString("error")).isEqualTo("invalid_client");

    HttpResponse<String> badScope = form("/aai/device_authorization", "client_id=panosc-cli&scope=openid%20pdp:admin",
        null);
    assertThat(badScope.statusCode()).isEqualTo(400);
    assertThat(json(badScope).getString("error")).isEqualTo("invalid_scope");
    assertThat(json(badScope).getString("error_description")).contains("pdp:admin");
    assertThat(json(form("/aai/device_authorization", "client_id=panosc-cli", null)).getString("error"))
        .isEqualTo("invalid_scope");
    HttpResponse<String> notForm = Http.postJson(base + "/aai/device_authorization", "{\"client_id\":\"panosc-cli\"}");
    assertThat(json(notForm).getString("error")).isEqualTo("invalid_request");
    HttpResponse<String> noCode = form("/aai/token", "grant_type=" + Browser.enc(DEVICE_GRANT) + "&client_id=" + CLI,
        null);
    assertThat(json(noCode).getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void discoveryWhenFetchedThenAnnouncesTheDeviceFlow() {
    JsonObject meta = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());
    assertThat(meta.getString("device_authorization_endpoint")).isEqualTo(base + "/aai/device_authorization");
    assertThat(meta.getJsonArray("grant_types_supported").getList()).contains(DEVICE_GRANT);
    assertThat(new JsonObject(Http.get(base + "/aai/openapi.json").body()).getJsonObject("paths").fieldNames())
        .contains("/device_authorization", "/device");
  }
}
