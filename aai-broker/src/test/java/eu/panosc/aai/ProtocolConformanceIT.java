package eu.panosc.aai;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
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
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OAuth 2.0 / OpenID conformance found missing by an outside relying party, driven by Nimbus as the RP: refresh
 * token revocation (RFC 7009) and introspection (RFC 7662), one token state across userinfo and introspection,
 * the consent screen bound to its browser session, loopback redirect URIs on any port (RFC 8252 §7.3), JWKS keys
 * naming their algorithm, and the metadata at RFC 8414's path-inserted location.
 */
class ProtocolConformanceIT {
  static final String CLI = "panosc-cli";
  static final URI CLI_REDIRECT = URI.create("http://127.0.0.1/callback");
  static final URI SCICAT_REDIRECT = URI.create("http://localhost:3000/auth/callback");
  static final URI ICAT_REDIRECT = URI.create("http://localhost:8181/login/callback");
  static final URI JUPYTER_REDIRECT = URI.create("http://localhost:8000/hub/oauth_callback");

  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static URI tokenEndpoint;
  static URI revocationEndpoint;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString();
    tokenEndpoint = URI.create(base + "/aai/token");
    revocationEndpoint = URI.create(base + "/aai/revoke");
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static ClientAuthentication basic(String id) {
    return new ClientSecretBasic(new ClientID(id), new Secret(id + "-demo-secret"));
  }

  record Started(URI request, State state, CodeVerifier verifier) {}

  static Started request(String clientId, URI redirect, String scope) {
    State state = new State();
    CodeVerifier verifier = new CodeVerifier();
    URI request = new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse(scope), new ClientID(clientId),
        redirect).endpointURI(URI.create(base + "/aai/authorize")).state(state).nonce(new Nonce())
        .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
    return new Started(request, state, verifier);
  }

  /** Signs {@code user} in when needed and consents when asked; the redirect back to the client. */
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

  /** A whole code flow; {@code auth} null for the public panosc-cli. */
  static OIDCTokenResponse login(Browser browser, String clientId, URI redirect, String scope, String user)
      throws Exception {
    Started s = request(clientId, redirect, scope);
    URI back = authorize(browser, s.request(), user);
    AuthorizationCode code = AuthorizationResponse.parse(back).toSuccessResponse().getAuthorizationCode();
    AuthorizationCodeGrant grant = new AuthorizationCodeGrant(code, redirect, s.verifier());
    TokenRequest request = CLI.equals(clientId) ? new TokenRequest(tokenEndpoint, new ClientID(CLI), grant)
        : new TokenRequest(tokenEndpoint, basic(clientId), grant);
    TokenResponse r = OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
    assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
    return (OIDCTokenResponse) r.toSuccessResponse();
  }

  static TokenResponse refresh(String clientId, RefreshToken rt) throws Exception {
    TokenRequest request = CLI.equals(clientId)
        ? new TokenRequest(tokenEndpoint, new ClientID(CLI), new RefreshTokenGrant(rt))
        : new TokenRequest(tokenEndpoint, basic(clientId), new RefreshTokenGrant(rt));
    return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
  }

  static String errorOf(TokenResponse r) {
    assertThat(r.indicatesSuccess()).isFalse();
    return ((TokenErrorResponse) r).getErrorObject().getCode();
  }

  static TokenIntrospectionSuccessResponse introspect(String caller, String token) throws Exception {
    return TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(URI.create(base + "/aai/introspect"),
        basic(caller), new BearerAccessToken(token)).toHTTPRequest().send()).toSuccessResponse();
  }

  static UserInfoResponse userinfo(AccessToken at) throws Exception {
    return UserInfoResponse.parse(new UserInfoRequest(URI.create(base + "/aai/userinfo"), (BearerAccessToken) at)
        .toHTTPRequest().send());
  }

  static HttpResponse<String> form(String path, String basicAuth, String... params) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i + 1 < params.length; i += 2) {
      body.append(body.isEmpty() ? "" : "&").append(params[i]).append('=')
          .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (basicAuth != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (basicAuth + ":" + basicAuth + "-demo-secret").getBytes(StandardCharsets.UTF_8)));
    }
    return Http.send(b.build());
  }

  @Test
  void revokeWhenRefreshTokenWithAnyHintThenItsGrantStopsWorkingEverywhere() throws Exception {
    Browser alice = new Browser();
    for (String hint : Arrays.asList(null, "refresh_token", "access_token", "something_else")) {
      OIDCTokenResponse tokens = login(alice, CLI, CLI_REDIRECT, "openid profile offline_access", "alice");
      RefreshToken rt = tokens.getOIDCTokens().getRefreshToken();
      AccessToken at = tokens.getOIDCTokens().getAccessToken();
      assertThat(userinfo(at).indicatesSuccess()).isTrue();
      HttpResponse<String> revoked = hint == null ? form("/aai/revoke", null, "client_id", CLI, "token", rt.getValue())
          : form("/aai/revoke", null, "client_id", CLI, "token", rt.getValue(), "token_type_hint", hint);
      assertThat(revoked.statusCode()).as("hint %s: %s", hint, revoked.body()).isEqualTo(200);
      assertThat(errorOf(refresh(CLI, rt))).as("hint %s", hint).isEqualTo("invalid_grant");
      assertThat(introspect("pdp-admin", at.getValue()).isActive()).as("its grant's access token").isFalse();
      assertThat(userinfo(at).indicatesSuccess()).as("userinfo agrees").isFalse();
    }
    // Nimbus as the public client (RFC 7009 §2.1 with client_id only, token_type_hint refresh_token)
    OIDCTokenResponse tokens = login(alice, CLI, CLI_REDIRECT, "openid offline_access", "alice");
    RefreshToken rt = tokens.getOIDCTokens().getRefreshToken();
    assertThat(new TokenRevocationRequest(revocationEndpoint, new ClientID(CLI), rt).toHTTPRequest().send()
        .getStatusCode()).isEqualTo(200);
    assertThat(errorOf(refresh(CLI, rt))).isEqualTo("invalid_grant");
    assertThat(new TokenRevocationRequest(revocationEndpoint, new ClientID(CLI), rt).toHTTPRequest().send()
        .getStatusCode()).as("revoking again: 200 (RFC 7009 §2.2)").isEqualTo(200);
  }

  @Test
  void revokeWhenRefreshTokenOfAnotherClientThenRefusedAndTokenKeepsWorking() throws Exception {
    OIDCTokenResponse tokens = login(new Browser(), "scicat-esrf", SCICAT_REDIRECT, "openid profile", "bob");
    RefreshToken rt = tokens.getOIDCTokens().getRefreshToken();
    var other = new TokenRevocationRequest(revocationEndpoint, basic("icat-ill"), rt).toHTTPRequest().send();
    assertThat(other.getStatusCode()).as("RFC 7009 §2.1: refused").isEqualTo(400);
    assertThat(other.getBodyAsJSONObject().get("error")).isEqualTo("unauthorized_client");
    assertThat(form("/aai/revoke", null, "client_id", CLI, "token", rt.getValue()).statusCode()).isEqualTo(400);
    TokenResponse still = refresh("scicat-esrf", rt);
    assertThat(still.indicatesSuccess()).as("the token was not revoked").isTrue();
  }

  @Test
  void introspectWhenRefreshTokenThenDescribedToItsClientOnly() throws Exception {
    OIDCTokenResponse tokens = login(new Browser(), "scicat-esrf", SCICAT_REDIRECT, "openid profile", "alice");
    RefreshToken rt = tokens.getOIDCTokens().getRefreshToken();
    TokenIntrospectionSuccessResponse r = introspect("scicat-esrf", rt.getValue());
    assertThat(r.isActive()).isTrue();
    assertThat(r.getStringParameter("token_type")).isEqualTo("refresh_token");
    assertThat(r.getClientID().getValue()).isEqualTo("scicat-esrf");
    assertThat(r.getSubject().getValue()).as("the pairwise sub of its tokens")
        .isEqualTo(introspect("scicat-esrf", tokens.getOIDCTokens().getAccessToken().getValue()).getSubject().getValue());
    assertThat(r.getScope().toStringList()).containsExactlyInAnyOrder("openid", "profile");
    assertThat(r.getExpirationTime().toInstant()).isAfter(Instant.now());
    assertThat(r.getIssuer().getValue()).isEqualTo(base + "/aai");
    assertThat(introspect("pdp-admin", rt.getValue()).isActive()).as("not described to other clients").isFalse();

    RefreshToken rotated = ((OIDCTokenResponse) refresh("scicat-esrf", rt).toSuccessResponse()).getOIDCTokens()
        .getRefreshToken();
    assertThat(introspect("scicat-esrf", rt.getValue()).isActive()).as("rotated").isFalse();
    assertThat(introspect("scicat-esrf", rotated.getValue()).isActive()).isTrue();
    assertThat(introspect("scicat-esrf", "A".repeat(43)).isActive()).isFalse();
  }

  @Test
  void exchangedTokenWhenUsedThenUserinfoAndIntrospectionAgreeBeforeAndAfterRevocation() throws Exception {
    OIDCTokenResponse tokens = login(new Browser(), "scicat-esrf", SCICAT_REDIRECT, "openid profile pdp:evaluate",
        "alice");
    HttpResponse<String> exchange = form("/aai/token", "scicat-esrf",
        "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token", tokens.getOIDCTokens().getAccessToken().getValue(),
        "subject_token_type", "urn:ietf:params:oauth:token-type:access_token",
        "audience", "https://icat.ill.demo", "scope", "openid profile");
    assertThat(exchange.statusCode()).as(exchange.body()).isEqualTo(200);
    BearerAccessToken exchanged = new BearerAccessToken(new JsonObject(exchange.body()).getString("access_token"));
    TokenIntrospectionSuccessResponse described = introspect("pdp-admin", exchanged.getValue());
    assertThat(described.isActive()).isTrue();
    UserInfoResponse info = userinfo(exchanged);
    assertThat(info.indicatesSuccess()).as("active at introspection: active at userinfo").isTrue();
    assertThat(info.toSuccessResponse().getUserInfo().getSubject()).isEqualTo(described.getSubject());
    assertThat(info.toSuccessResponse().getUserInfo().getName()).isEqualTo("Alice Martin");

    assertThat(new TokenRevocationRequest(revocationEndpoint, basic("scicat-esrf"),
        tokens.getOIDCTokens().getRefreshToken()).toHTTPRequest().send().getStatusCode()).isEqualTo(200);
    assertThat(introspect("pdp-admin", exchanged.getValue()).isActive()).as("revoked with its grant").isFalse();
    assertThat(userinfo(exchanged).indicatesSuccess()).as("userinfo agrees").isFalse();
  }

  @Test
  void consentWhenPostedFromAnotherSignedInBrowserThenPageAndNoCode() throws Exception {
    Browser alice = new Browser();
    HttpResponse<String> page = alice.get(request("jupyterhub-eosc", JUPYTER_REDIRECT, "openid profile").request()
        .toString());
    page = alice.login(base, page, "alice", "alice-demo-pw");
    assertThat(page.body()).contains("Allow access?");
    Map<String, String> alicesForm = Browser.hidden(page.body());

    Browser bob = new Browser();
    login(bob, "icat-ill", ICAT_REDIRECT, "openid", "bob");
    Map<String, String> replayed = new java.util.LinkedHashMap<>(alicesForm);
    replayed.put("csrf", bob.cookie(AuthorizeEndpointCookies.CSRF));
    replayed.put("decision", "approve");
    HttpResponse<String> stolen = bob.post(base + "/aai/consent", replayed);
    assertThat(stolen.statusCode()).as(stolen.body()).isEqualTo(403);
    assertThat(stolen.headers().firstValue("Location")).isEmpty();
    assertThat(stolen.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

    HttpResponse<String> own = alice.consent(base, page, true);
    assertThat(own.statusCode()).as("the browser that saw it still may answer").isEqualTo(302);
    assertThat(Browser.location(own)).startsWith(JUPYTER_REDIRECT + "?code=");
  }

  /** The CSRF cookie's name (AuthorizeEndpoint.CSRF_COOKIE). */
  static final class AuthorizeEndpointCookies {
    static final String CSRF = "panosc_aai_csrf";
  }

  @Test
  void redirectUriWhenLoopbackOnAnyPortThenAcceptedElseRefused() throws Exception {
    URI ephemeral = URI.create("http://127.0.0.1:49152/callback");
    OIDCTokenResponse tokens = login(new Browser(), CLI, ephemeral, "openid", "bob");
    assertThat(tokens.getOIDCTokens().getAccessToken()).isNotNull();

    Browser browser = new Browser();
    for (String refused : new String[] {"http://127.0.0.1:49152/other", "http://localhost:49152/callback",
        "https://127.0.0.1:49152/callback", "http://127.0.0.1:49152/callback?x=1"}) {
      HttpResponse<String> r = browser.get(request(CLI, URI.create(refused), "openid").request().toString());
      assertThat(r.statusCode()).as(refused).isEqualTo(400);
      assertThat(r.headers().firstValue("Location")).as(refused).isEmpty();
    }
    HttpResponse<String> web = browser.get(request("scicat-esrf", URI.create("http://localhost:3001/auth/callback"),
        "openid").request().toString());
    assertThat(web.statusCode()).as("not a loopback registration: exact match only").isEqualTo(400);
  }

  @Test
  void discoveryWhenFetchedAtEveryLocationThenSameMetadataAndWhatItListsWorks() throws Exception {
    OIDCProviderMetadata oidc = OIDCProviderMetadata.resolve(new Issuer(base + "/aai"));
    assertThat(oidc.getIssuer().getValue()).isEqualTo(base + "/aai");
    HttpResponse<String> inserted = Http.get(base + "/.well-known/oauth-authorization-server/aai");
    assertThat(inserted.statusCode()).isEqualTo(200);
    AuthorizationServerMetadata rfc8414 = AuthorizationServerMetadata.parse(inserted.body());
    assertThat(rfc8414.getIssuer().getValue()).as("RFC 8414 §3.3").isEqualTo(base + "/aai");
    assertThat(inserted.body()).isEqualTo(Http.get(base + "/aai/.well-known/oauth-authorization-server").body());
    assertThat(Http.get(base + "/.well-known/openid-configuration/aai").body()).isEqualTo(inserted.body());

    assertThat(rfc8414.getRevocationEndpointAuthMethods()).extracting(m -> m.getValue())
        .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
    JsonObject jwks = new JsonObject(Http.get(base + "/aai/jwks").body());
    assertThat(jwks.getJsonArray("keys")).isNotEmpty();
    jwks.getJsonArray("keys").forEach(k -> {
      JsonObject key = (JsonObject) k;
      assertThat(key.getString("alg")).as(key.getString("kid")).isEqualTo("EC".equals(key.getString("kty"))
          ? "ES256" : "RS256");
    });
    assertThat(com.nimbusds.jose.jwk.JWKSet.parse(jwks.encode()).getKeys()).allMatch(k -> k.getAlgorithm() != null);
  }
}
