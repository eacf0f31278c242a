package eu.panosc.aai;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.PushedAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushed authorization requests (RFC 9126): a real client library (Nimbus) pushes, the browser completes the flow
 * with the request_uri alone; the request_uri works once, for its client, for 60 seconds; bad pushes get RFC 6749
 * §5.2 errors.
 */
class PushedAuthorizationIT {
  static final URI SCICAT_REDIRECT = URI.create("http://localhost:3000/auth/callback");
  static final URI CLI_REDIRECT = URI.create("http://127.0.0.1/callback");

  @TempDir
  static Path dataDir;

  static MutableClock clock = new MutableClock(Instant.now());
  static Platform platform;
  static String base;
  static URI par;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of(), clock);
    base = platform.baseUrl().toString();
    par = URI.create(base + "/aai/par");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static ClientSecretBasic scicat() {
    return new ClientSecretBasic(new ClientID("scicat-esrf"), new Secret("scicat-esrf-demo-secret"));
  }

  static AuthenticationRequest.Builder request(String client, URI redirect) {
    return new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse("openid profile"), new ClientID(client),
        redirect).state(new State("pushed-state")).nonce(new Nonce("pushed-nonce"));
  }

  static URI push(AuthenticationRequest request) throws Exception {
    PushedAuthorizationResponse r = PushedAuthorizationResponse.parse(
        new PushedAuthorizationRequest(par, scicat(), request).toHTTPRequest().send());
    assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
    return r.toSuccessResponse().getRequestURI();
  }

  static String authorizeUrl(String client, URI requestUri) {
    return base + "/aai/authorize?client_id=" + client + "&request_uri="
        + URLEncoder.encode(requestUri.toString(), StandardCharsets.UTF_8);
  }

  static HttpResponse<String> raw(String form, String basic) {
    HttpRequest.Builder b = HttpRequest.newBuilder(par).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (basic != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return Http.send(b.build());
  }

  static String errorOf(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    return new JsonObject(r.body()).getString("error");
  }

  @Test
  void pushWhenValidThenBrowserNeedsOnlyRequestUriAndItWorksOnce() throws Exception {
    HttpResponse<String> pushedRaw = raw("response_type=code&client_id=scicat-esrf&scope=openid%20profile&redirect_uri="
        + URLEncoder.encode(SCICAT_REDIRECT.toString(), StandardCharsets.UTF_8) + "&state=s1",
        "scicat-esrf:scicat-esrf-demo-secret");
    assertThat(pushedRaw.statusCode()).as(pushedRaw.body()).isEqualTo(201);
    assertThat(pushedRaw.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject body = new JsonObject(pushedRaw.body());
    assertThat(body.getString("request_uri")).startsWith("urn:ietf:params:oauth:request_uri:").hasSizeGreaterThan(60);
    assertThat(body.getInteger("expires_in")).isEqualTo(60);

    URI requestUri = push(request("scicat-esrf", SCICAT_REDIRECT).build());
    Browser browser = new Browser();
    HttpResponse<String> page = browser.get(authorizeUrl("scicat-esrf", requestUri));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    page = browser.login(base, page, "alice", "alice-demo-pw");
    if (page.body() != null && page.body().contains("Allow access?")) {
      page = browser.consent(base, page, true);
    }
    URI back = URI.create(Browser.location(page));
    assertThat(back.toString()).startsWith(SCICAT_REDIRECT + "?code=");
    AuthorizationSuccessResponse ok = AuthorizationResponse.parse(back).toSuccessResponse();
    assertThat(ok.getState().getValue()).as("the pushed state").isEqualTo("pushed-state");
    TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/aai/token"), scicat(),
        new AuthorizationCodeGrant(ok.getAuthorizationCode(), SCICAT_REDIRECT)).toHTTPRequest().send());
    assertThat(tokens.indicatesSuccess()).isTrue();
    assertThat(((OIDCTokenResponse) tokens.toSuccessResponse()).getOIDCTokens().getIDToken().getJWTClaimsSet()
        .getStringClaim("nonce")).as("the pushed nonce").isEqualTo("pushed-nonce");

    HttpResponse<String> again = browser.get(authorizeUrl("scicat-esrf", requestUri));
    assertThat(again.statusCode()).as("single use").isEqualTo(400);
    assertThat(again.headers().firstValue("Location")).isEmpty();
    assertThat(again.body()).contains("expired");
  }

  @Test
  void requestUriWhenExpiredForeignOrMissingClientThenHtmlErrorAndNoRedirect() throws Exception {
    Browser browser = new Browser();
    URI mine = push(request("scicat-esrf", SCICAT_REDIRECT).build());
    HttpResponse<String> foreign = browser.get(authorizeUrl("icat-ill", mine));
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.headers().firstValue("Location")).isEmpty();
    assertThat(browser.get(base + "/aai/authorize?request_uri=" + URLEncoder.encode(mine.toString(),
        StandardCharsets.UTF_8)).statusCode()).as("client_id is required").isEqualTo(400);
    assertThat(browser.get(authorizeUrl("scicat-esrf", URI.create("urn:ietf:params:oauth:request_uri:forged")))
        .statusCode()).isEqualTo(400);
    assertThat(browser.get(authorizeUrl("scicat-esrf", mine)).statusCode())
        .as("another client's attempt does not use it up").isEqualTo(200);

    URI expiring = push(request("scicat-esrf", SCICAT_REDIRECT).build());
    clock.advance(Duration.ofSeconds(61));
    HttpResponse<String> expired = new Browser().get(authorizeUrl("scicat-esrf", expiring));
    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(expired.body()).contains("expired");
  }

  @Test
  void pushWhenPublicClientThenPkceRequiredAndClientIdIdentifies() throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    AuthenticationRequest withPkce = new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse("openid"),
        new ClientID("panosc-cli"), CLI_REDIRECT).codeChallenge(verifier, CodeChallengeMethod.S256).build();
    PushedAuthorizationResponse ok = PushedAuthorizationResponse.parse(
        new PushedAuthorizationRequest(par, withPkce).toHTTPRequest().send());
    assertThat(ok.indicatesSuccess()).isTrue();
    assertThat(((PushedAuthorizationSuccessResponse) ok).getLifetime()).isEqualTo(60);
    HttpResponse<String> noPkce = raw("response_type=code&client_id=panosc-cli&scope=openid&redirect_uri="
        + URLEncoder.encode(CLI_REDIRECT.toString(), StandardCharsets.UTF_8), null);
    assertThat(noPkce.statusCode()).isEqualTo(400);
    assertThat(errorOf(noPkce)).isEqualTo("invalid_request");
    assertThat(new JsonObject(noPkce.body()).getString("error_description")).contains("PKCE");
  }

  @Test
  void pushWhenBadThenRfc6749Errors() {
    String redirect = URLEncoder.encode(SCICAT_REDIRECT.toString(), StandardCharsets.UTF_8);
    String good = "response_type=code&scope=openid&redirect_uri=" + redirect;
    String auth = "scicat-esrf:scicat-esrf-demo-secret";
    HttpResponse<String> noAuth = raw(good + "&client_id=scicat-esrf", null);
    assertThat(noAuth.statusCode()).isEqualTo(401);
    assertThat(errorOf(noAuth)).isEqualTo("invalid_client");
    HttpResponse<String> wrongSecret = raw(good, "scicat-esrf:wrong");
    assertThat(wrongSecret.statusCode()).isEqualTo(401);
    assertThat(errorOf(wrongSecret)).isEqualTo("invalid_client");
    assertThat(errorOf(raw("response_type=code&scope=openid&redirect_uri="
        + URLEncoder.encode("https://evil.example/cb", StandardCharsets.UTF_8), auth))).isEqualTo("invalid_request");
    assertThat(errorOf(raw("response_type=code&scope=openid", auth))).isEqualTo("invalid_request");
    HttpResponse<String> nested = raw(good + "&request_uri=urn:ietf:params:oauth:request_uri:x", auth);
    assertThat(nested.statusCode()).isEqualTo(400);
    assertThat(errorOf(nested)).isEqualTo("invalid_request");
    assertThat(errorOf(raw(good + "&client_id=icat-ill", auth))).as("client_id of another client")
        .isEqualTo("invalid_request");
    assertThat(errorOf(raw(good.replace("scope=openid", "scope=openid%20registry:admin"), auth)))
        .isEqualTo("invalid_scope");
    assertThat(errorOf(raw(good.replace("response_type=code", "response_type=token"), auth)))
        .isEqualTo("unsupported_response_type");
    assertThat(errorOf(raw(good + "&state=a&state=b", auth))).isEqualTo("invalid_request");
    assertThat(errorOf(raw(good, "resource-broker:resource-broker-demo-secret")))
        .as("a service client is not registered for the code flow").isEqualTo("unauthorized_client");
    HttpResponse<String> json = Http.send(HttpRequest.newBuilder(par).header("Content-Type", "application/json")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(errorOf(json)).isEqualTo("invalid_request");
  }

  @Test
  void discoveryWhenFetchedThenListsParEndpoint() {
    JsonObject meta = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());
    assertThat(meta.getString("pushed_authorization_request_endpoint")).isEqualTo(base + "/aai/par");
    assertThat(meta.getBoolean("require_pushed_authorization_requests")).isFalse();
  }
}
