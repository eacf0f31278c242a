package eu.panosc.aai;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client registered with {@code tokenSigningAlg: RS256} gets RS256 access, ID and logout tokens, verifiable with
 * Nimbus through the published JWKS; other clients keep ES256; a control-plane service (the registry, through the
 * platform's bearer-token verification) accepts the RS256 access tokens and refuses forged ones.
 */
class SigningAlgorithmIT {
  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static String secret;
  static Vertx rpVertx;
  static String rpBase;
  static final Queue<String> logoutTokens = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    rpVertx = Vertx.vertx();
    Router router = Router.router(rpVertx);
    router.post("/bc").handler(BodyHandler.create()).handler(ctx -> {
      logoutTokens.add(String.valueOf(ctx.request().getFormAttribute("logout_token")));
      ctx.response().end();
    });
    HttpServer rp = rpVertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    rpBase = "http://localhost:" + rp.actualPort();
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString();
    String admin = clientCredentials("registry-admin", "registry-admin-demo-secret", "registry:admin");
    JsonObject client = new JsonObject().put("clientId", "legacy-portal").put("facility", "esrf")
        .put("type", "confidential").put("tokenSigningAlg", "RS256")
        .put("grantTypes", new JsonArray().add("authorization_code").add("refresh_token").add("client_credentials"))
        .put("redirectUris", new JsonArray().add(rpBase + "/cb"))
        .put("backchannelLogoutUri", rpBase + "/bc")
        .put("scopes", new JsonArray().add("openid").add("profile").add("registry:read"));
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, client.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(new JsonObject(created.body()).getString("tokenSigningAlg")).isEqualTo("RS256");
    secret = new JsonObject(created.body()).getString("clientSecret");
    assertThat(Http.sendJson("POST", base + "/registry/admin/v1/clients/legacy-portal/approve", admin, null)
        .statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
    rpVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String clientCredentials(String id, String secret, String scope) throws Exception {
    TokenResponse r = TokenResponse.parse(new TokenRequest(URI.create(base + "/aai/token"),
        new ClientSecretBasic(new ClientID(id), new Secret(secret)), new ClientCredentialsGrant(), new Scope(scope))
        .toHTTPRequest().send());
    assertThat(r.indicatesSuccess()).as(() -> r.toErrorResponse().getErrorObject().toString()).isTrue();
    return r.toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  static ClientSecretBasic auth() {
    return new ClientSecretBasic(new ClientID("legacy-portal"), new Secret(secret));
  }

  static JWKSet jwks() throws Exception {
    return JWKSet.parse(Http.get(base + "/aai/jwks").body());
  }

  /** Verifies an access token with Nimbus' JWT processor: only {@code alg}, typ at+jwt, keys from the JWKS. */
  static JWTClaimsSet verifyAccessToken(String jwt, JWSAlgorithm alg) throws Exception {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(jwks())));
    return p.process(jwt, null);
  }

  @Test
  void discoveryAndJwksWhenFetchedThenBothAlgorithmsWithTheirOwnKeys() throws Exception {
    JsonObject meta = new JsonObject(Http.get(base + "/aai/.well-known/openid-configuration").body());
    assertThat(meta.getJsonArray("id_token_signing_alg_values_supported").getList()).containsExactly("ES256", "RS256");
    assertThat(meta.getJsonArray("access_token_signing_alg_values_supported").getList())
        .containsExactly("ES256", "RS256");
    JWKSet set = jwks();
    assertThat(set.getKeys()).anySatisfy(k -> assertThat(k).isInstanceOf(ECKey.class));
    assertThat(set.getKeys().stream().filter(k -> k instanceof RSAKey).toList()).as("current and next RSA key")
        .hasSize(2).allSatisfy(k -> {
          RSAKey rsa = (RSAKey) k;
          assertThat(rsa.size()).isEqualTo(3072);
          assertThat(rsa.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
          assertThat(rsa.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
          assertThat(rsa.getKeyID()).isNotBlank();
          assertThat(rsa.isPrivate()).isFalse();
        });
    assertThat(set.getKeys().stream().map(JWK::getKeyID).distinct().count()).isEqualTo(set.getKeys().size());
    assertThat(Http.get(base + "/aai/jwks").body()).doesNotContain("\"d\"", "\"p\"", "\"q\"");
  }

  @Test
  void codeFlowWhenClientRegisteredForRs256ThenAccessIdAndRefreshedTokensAreRs256() throws Exception {
    Browser browser = new Browser();
    URI redirect = URI.create(rpBase + "/cb");
    Nonce nonce = new Nonce();
    URI request = new AuthenticationRequest.Builder(ResponseType.CODE, Scope.parse("openid profile"),
        new ClientID("legacy-portal"), redirect).endpointURI(URI.create(base + "/aai/authorize")).state(new State())
        .nonce(nonce).build().toURI();
    HttpResponse<String> page = browser.login(base, browser.get(request.toString()), "alice", "alice-demo-pw");
    page = browser.consent(base, page, true);
    var code = AuthorizationResponse.parse(URI.create(Browser.location(page))).toSuccessResponse()
        .getAuthorizationCode();
    TokenResponse r = OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/aai/token"), auth(),
        new AuthorizationCodeGrant(code, redirect)).toHTTPRequest().send());
    assertThat(r.indicatesSuccess()).isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) r.toSuccessResponse();

    String at = tokens.getOIDCTokens().getAccessToken().getValue();
    assertThat(SignedJWT.parse(at).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    JWTClaimsSet claims = verifyAccessToken(at, JWSAlgorithm.RS256);
    assertThat(claims.getStringClaim("client_id")).isEqualTo("legacy-portal");
    assertThat(jwks().getKeyByKeyId(SignedJWT.parse(at).getHeader().getKeyID())).isInstanceOf(RSAKey.class);

    IDTokenValidator validator = new IDTokenValidator(new Issuer(base + "/aai"), new ClientID("legacy-portal"),
        JWSAlgorithm.RS256, URI.create(base + "/aai/jwks").toURL());
    var id = validator.validate(tokens.getOIDCTokens().getIDToken(), nonce);
    assertThat(id.getSubject().getValue()).isEqualTo(claims.getSubject());
    // an ES256-only relying party would refuse it: the algorithm really is RS256
    IDTokenValidator es = new IDTokenValidator(new Issuer(base + "/aai"), new ClientID("legacy-portal"),
        JWSAlgorithm.ES256, URI.create(base + "/aai/jwks").toURL());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> es.validate(tokens.getOIDCTokens().getIDToken(), nonce))
        .isInstanceOf(com.nimbusds.jose.proc.BadJOSEException.class);

    // the provider's own endpoints accept its RS256 tokens
    assertThat(UserInfoResponse.parse(new UserInfoRequest(URI.create(base + "/aai/userinfo"), new BearerAccessToken(at))
        .toHTTPRequest().send()).indicatesSuccess()).isTrue();
    assertThat(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(URI.create(base + "/aai/introspect"),
        auth(), new BearerAccessToken(at)).toHTTPRequest().send()).toSuccessResponse().isActive()).isTrue();

    TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(URI.create(base + "/aai/token"), auth(),
        new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())).toHTTPRequest().send());
    assertThat(refreshed.indicatesSuccess()).isTrue();
    OIDCTokenResponse again = (OIDCTokenResponse) refreshed.toSuccessResponse();
    assertThat(SignedJWT.parse(again.getOIDCTokens().getAccessToken().getValue()).getHeader().getAlgorithm())
        .isEqualTo(JWSAlgorithm.RS256);
    assertThat(again.getOIDCTokens().getIDToken().getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);

    // and its logout token is RS256 as well
    String sid = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getStringClaim("sid");
    HttpResponse<String> out = browser.get(base + "/aai/logout?id_token_hint="
        + URLEncoder.encode(tokens.getOIDCTokens().getIDTokenString(), StandardCharsets.UTF_8));
    assertThat(out.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> !logoutTokens.isEmpty());
    var selector = new JWSVerificationKeySelector<SecurityContext>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks()));
    var logout = new LogoutTokenValidator(new Issuer(base + "/aai"), new ClientID("legacy-portal"), true, selector, null)
        .validate(SignedJWT.parse(logoutTokens.peek()));
    assertThat(logout.getSessionID().getValue()).isEqualTo(sid);
  }

  @Test
  void serviceWhenGivenRs256TokenOfOurIssuerThenAcceptedAndForgeriesRefused() throws Exception {
    String token = clientCredentials("legacy-portal", secret, "registry:read");
    assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    verifyAccessToken(token, JWSAlgorithm.RS256);
    // the registry verifies bearer tokens with the platform's verifier against the aai JWKS
    HttpResponse<String> ok = Http.getAuthorized(base + "/registry/v1/clients/legacy-portal", token);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

    // the same claims signed by another RSA key under our kid: refused by the registry and by introspection
    SignedJWT genuine = SignedJWT.parse(token);
    RSAKey attacker = new RSAKeyGenerator(3072).keyID(genuine.getHeader().getKeyID()).generate();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
        .keyID(genuine.getHeader().getKeyID()).build(), genuine.getJWTClaimsSet());
    forged.sign(new RSASSASigner(attacker));
    assertThat(Http.getAuthorized(base + "/registry/v1/clients/legacy-portal", forged.serialize()).statusCode())
        .isEqualTo(401);
    assertThat(TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(URI.create(base + "/aai/introspect"),
        auth(), new BearerAccessToken(forged.serialize())).toHTTPRequest().send()).toSuccessResponse().isActive())
        .isFalse();
    // RS256 in the header with an EC key's kid (algorithm confusion): refused
    String ecKid = jwks().getKeys().stream().filter(k -> k instanceof ECKey).findFirst().orElseThrow().getKeyID();
    SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
        .keyID(ecKid).build(), new JWTClaimsSet.Builder(genuine.getJWTClaimsSet()).issueTime(new Date()).build());
    confused.sign(new RSASSASigner(attacker));
    assertThat(Http.getAuthorized(base + "/registry/v1/clients/legacy-portal", confused.serialize()).statusCode())
        .isEqualTo(401);

    // a client without tokenSigningAlg keeps ES256
    String es = clientCredentials("resource-broker", "resource-broker-demo-secret", "registry:read");
    assertThat(SignedJWT.parse(es).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(Http.getAuthorized(base + "/registry/v1/clients/legacy-portal", es).statusCode()).isEqualTo(200);
  }
}
