package eu.panosc.platform.auth;

import eu.panosc.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.PlainJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class BearerAuthHandlerTest {

  private static final String SCOPE = "pdp:evaluate";
  private static final String REQUEST_ID = "req-42";

  private Vertx vertx;
  private MutableClock clock;
  private TokenFixtures tokens;
  private JwksServer jwks;
  private HttpServer api;
  private WebClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
    tokens = new TokenFixtures(clock);
    jwks = JwksServer.start(vertx, List.of(tokens.ec.toPublicJWK(), tokens.rsa.toPublicJWK()));
    client = WebClient.create(vertx);
    api = startApi(jwks.uri());
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private HttpServer startApi(URI jwksUri) {
    BearerAuthConfig config = new BearerAuthConfig(TokenFixtures.ISSUER, Set.of(TokenFixtures.AUDIENCE), jwksUri);
    BearerAuth auth = BearerAuth.create(vertx, config, clock);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.put("requestId", REQUEST_ID);
      ctx.next();
    });
    router.get("/rendered").handler(auth.requireScopes(SCOPE).rendering((ctx, status, detail) -> ctx.response()
        .putHeader("Content-Type", "application/json").end(io.vertx.core.json.Json.encode(status + " " + detail))))
        .handler(ctx -> ctx.end("ok"));
    router.get("/evaluate").handler(auth.requireScopes(SCOPE)).handler(ctx -> {
      AccessTokenPrincipal p = BearerAuth.principal(ctx);
      ctx.json(new JsonObject()
          .put("sub", p.subject())
          .put("clientId", p.clientId())
          .put("scopes", new ArrayList<>(p.scopes()))
          .put("hasScope", p.hasScope(SCOPE)));
    });
    return vertx.createHttpServer().requestHandler(router).listen(0, "localhost").await();
  }

  private HttpRequest<Buffer> get(String uri) {
    return client.get(api.actualPort(), "localhost", uri);
  }

  private HttpResponse<Buffer> callWithAuthorization(String authorization) {
    return get("/evaluate").putHeader("Authorization", authorization).send().await();
  }

  private HttpResponse<Buffer> call(String token) {
    return callWithAuthorization("Bearer " + token);
  }

  // --- success -------------------------------------------------------------------------------------

  @Test
  void validEs256TokenReturns200AndExposesPrincipalToRoute() {
    HttpResponse<Buffer> response = call(tokens.es256().sign());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("sub")).isEqualTo("alice@facility.eu");
    assertThat(body.getString("clientId")).isEqualTo("data-portal");
    assertThat(body.getJsonArray("scopes").getList()).containsExactlyInAnyOrder("pdp:evaluate", "openid");
    assertThat(body.getBoolean("hasScope")).isTrue();
  }

  @Test
  void validRs256TokenIsAccepted() {
    assertThat(call(tokens.rs256().sign()).statusCode()).isEqualTo(200);
  }

  @Test
  void validPs256TokenIsAccepted() {
    String token = tokens.rs256().header(new JWSHeader.Builder(JWSAlgorithm.PS256)
        .keyID(TokenFixtures.RSA_KID).type(new JOSEObjectType("at+jwt"))).sign();

    assertThat(call(token).statusCode()).isEqualTo(200);
  }

  @Test
  void validEdDsaTokenIsAccepted() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = pair.getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    OctetKeyPair okp = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("ed-1").build();
    jwks.publish(List.of(tokens.ec.toPublicJWK(), okp));
    String token = tokens.es256()
        .header(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed-1").type(new JOSEObjectType("at+jwt")))
        .signer(jdkEd25519Signer(pair))
        .sign();

    assertThat(call(token).statusCode()).isEqualTo(200);
  }

  @Test
  void schemeIsCaseInsensitive() {
    assertThat(callWithAuthorization("bEaReR " + tokens.es256().sign()).statusCode()).isEqualTo(200);
  }

  @Test
  void applicationAtJwtTypeIsAccepted() {
    String token = tokens.es256().header(h -> h.type(new JOSEObjectType("application/AT+JWT"))).sign();

    assertThat(call(token).statusCode()).isEqualTo(200);
  }

  @Test
  void scpArrayGrantsScopes() {
    String token = tokens.es256().claims(c -> c.claim("scope", null).claim("scp", List.of(SCOPE))).sign();

    HttpResponse<Buffer> response = call(token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("scopes").getList()).containsExactly(SCOPE);
  }

  // --- missing / malformed credentials ---------------------------------------------------------------

  @Test
  void missingHeaderGives401ChallengeWithoutErrorCode() {
    HttpResponse<Buffer> response = get("/evaluate").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"panosc\"");
    assertProblem(response, 401, "Unauthorized", "missing bearer token");
  }

  @Test
  void otherSchemeGives401ChallengeWithoutErrorCode() {
    HttpResponse<Buffer> response = callWithAuthorization("Basic YWxpY2U6c2VjcmV0");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"panosc\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "Bearer   ", "Bearer abc.def.ghi second.token.here",
      "Bearer abc.def.ghi\tsecond.token.here", "Bearer\tabc.def.ghi\tsecond.token.here"})
  void malformedBearerCredentialsGive401InvalidRequest(String authorization) {
    HttpResponse<Buffer> response = callWithAuthorization(authorization);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer realm=\"panosc\", error=\"invalid_request\"");
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void garbageTokenGives401InvalidToken() {
    assertInvalidToken(call("not-a-jwt"), "malformed token", "not-a-jwt");
  }

  @Test
  void tokenInQueryParameterIsRejectedEvenWithValidHeader() {
    String token = tokens.es256().sign();

    HttpResponse<Buffer> withHeader = get("/evaluate?access_token=" + token)
        .putHeader("Authorization", "Bearer " + token).send().await();
    HttpResponse<Buffer> queryOnly = get("/evaluate?access_token=" + token).send().await();

    for (HttpResponse<Buffer> response : List.of(withHeader, queryOnly)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.getHeader("WWW-Authenticate")).contains("error=\"invalid_request\"");
      assertProblem(response, 401, "Unauthorized", "access tokens are not accepted in the URL");
      assertThat(response.bodyAsString()).doesNotContain(token);
    }
  }

  // --- time-based claims ------------------------------------------------------------------------------

  @Test
  void tokenExpiredBeyondSkewIsRejected() {
    String token = tokens.es256().sign();
    clock.advance(Duration.ofMinutes(5).plusSeconds(31));

    assertInvalidToken(call(token), "token expired", token);
  }

  @Test
  void tokenAcceptedBeforeIsRejectedOnceExpired() {
    String token = tokens.es256().sign();
    assertThat(call(token).statusCode()).isEqualTo(200);
    assertThat(call(token).statusCode()).as("remembered as verified").isEqualTo(200);
    clock.advance(Duration.ofMinutes(5).plusSeconds(31));

    assertInvalidToken(call(token), "token expired", token);
  }

  @Test
  void tokenAcceptedBeforeDoesNotVouchForAnotherSignature() {
    String token = tokens.es256().sign();
    assertThat(call(token).statusCode()).isEqualTo(200);
    String other = tokens.es256().sign();
    String forged = token.substring(0, token.lastIndexOf('.') + 1) + other.substring(other.lastIndexOf('.') + 1);

    assertInvalidToken(call(forged), "invalid signature", forged);
  }

  @Test
  void tokenExpiredWithinSkewIsAccepted() {
    String token = tokens.es256().sign();
    clock.advance(Duration.ofMinutes(5).plusSeconds(20));

    assertThat(call(token).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenWithoutExpIsRejected() {
    String token = tokens.es256().claims(c -> c.expirationTime(null)).sign();

    assertInvalidToken(call(token), "missing exp", token);
  }

  @Test
  void notBeforeInTheFutureIsRejected() {
    String token = tokens.es256().claims(c -> c.notBeforeTime(Date.from(clock.instant().plusSeconds(120)))).sign();

    assertInvalidToken(call(token), "token not yet valid", token);
  }

  @Test
  void notBeforeWithinSkewIsAccepted() {
    String token = tokens.es256().claims(c -> c.notBeforeTime(Date.from(clock.instant().plusSeconds(20)))).sign();

    assertThat(call(token).statusCode()).isEqualTo(200);
  }

  @Test
  void issuedAtInTheFutureIsRejected() {
    String token = tokens.es256().claims(c -> c.issueTime(Date.from(clock.instant().plusSeconds(120)))).sign();

    assertInvalidToken(call(token), "token issued in the future", token);
  }

  // --- issuer, audience, scope ------------------------------------------------------------------------

  @Test
  void wrongAudienceIsRejected() {
    String token = tokens.es256().claims(c -> c.audience(List.of("https://other.example", "https://x"))).sign();

    assertInvalidToken(call(token), "wrong audience", token);
  }

  @Test
  void wrongIssuerIsRejected() {
    String token = tokens.es256().claims(c -> c.issuer(TokenFixtures.ISSUER + "/")).sign();

    assertInvalidToken(call(token), "wrong issuer", token);
  }

  @Test
  void missingScopeGives403InsufficientScopeNamingTheScope() {
    String token = tokens.es256().claims(c -> c.claim("scope", "openid profile")).sign();

    HttpResponse<Buffer> response = call(token);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo(
        "Bearer realm=\"panosc\", error=\"insufficient_scope\", "
            + "error_description=\"insufficient scope, required: pdp:evaluate\", scope=\"pdp:evaluate\"");
    assertProblem(response, 403, "Forbidden", "insufficient scope, required: pdp:evaluate");
    assertThat(response.bodyAsString()).doesNotContain(token);
  }

  @Test
  void renderingWhenRejectedThenProtocolBodyWithChallengeHeader() {
    HttpResponse<Buffer> missing = get("/rendered").send().await();
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"panosc\"");
    assertThat(missing.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(missing.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(missing.bodyAsString()).isEqualTo("\"401 missing bearer token\"");

    String token = tokens.es256().claims(c -> c.claim("scope", "openid")).sign();
    HttpResponse<Buffer> forbidden = get("/rendered").putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
    assertThat(forbidden.bodyAsString()).isEqualTo("\"403 insufficient scope, required: pdp:evaluate\"");

    HttpResponse<Buffer> ok = get("/rendered").putHeader("Authorization", "Bearer " + tokens.es256().sign())
        .send().await();
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  // --- header and signature rules ---------------------------------------------------------------------

  @Test
  void algNoneTokenIsRejected() {
    String token = new PlainJWT(new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(),
        tokens.defaultClaims().build()).serialize();

    assertInvalidToken(call(token), "unsigned token", token);
  }

  @Test
  void hs256SignedWithRsaPublicKeyBytesIsRejectedBeforeKeyLookup() throws Exception {
    byte[] publicKeyBytes = tokens.rsa.toRSAPublicKey().getEncoded();
    String token = tokens.rs256()
        .header(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TokenFixtures.RSA_KID).type(new JOSEObjectType("at+jwt")))
        .signer(new MACSigner(publicKeyBytes))
        .sign();

    assertInvalidToken(call(token), "unsupported algorithm", token);
    assertThat(jwks.hits()).as("no JWKS lookup for a forbidden algorithm").isZero();
  }

  @Test
  void unknownAlgorithmIsRejected() {
    String token = tokens.rawToken("{\"alg\":\"XS999\",\"kid\":\"ec-1\",\"typ\":\"at+jwt\"}");

    assertInvalidToken(call(token), "unsupported algorithm", token);
  }

  @Test
  void unsupportedCriticalHeaderIsRejected() {
    String token = tokens.es256()
        .header(h -> h.criticalParams(Set.of("urn:example:must-understand")).customParam("urn:example:must-understand", true))
        .sign();

    assertInvalidToken(call(token), "unsupported critical header", token);
  }

  @Test
  void plainJwtTypeIsRejected() {
    String token = tokens.es256().header(h -> h.type(JOSEObjectType.JWT)).sign();

    assertInvalidToken(call(token), "wrong token type", token);
  }

  @Test
  void missingTypeIsRejected() {
    String token = tokens.es256().header(h -> h.type(null)).sign();

    assertInvalidToken(call(token), "wrong token type", token);
  }

  @Test
  void missingKidIsRejected() {
    String token = tokens.es256().header(h -> h.keyID(null)).sign();

    assertInvalidToken(call(token), "missing key id", token);
  }

  @Test
  void signatureByAnotherKeyWithSameKidIsRejected() {
    ECKey impostor = TokenFixtures.ecKey(Curve.P_256, TokenFixtures.EC_KID);
    String token = tokens.es256().signer(TokenFixtures.signer(impostor)).sign();

    assertInvalidToken(call(token), "invalid signature", token);
  }

  @Test
  void rsaAlgorithmWithEcKeyIdIsRejected() {
    String token = tokens.rs256().header(h -> h.keyID(TokenFixtures.EC_KID)).sign();

    assertInvalidToken(call(token), "signing key does not match token algorithm", token);
  }

  @Test
  void ecCurveMustMatchAlgorithm() {
    ECKey p384 = TokenFixtures.ecKey(Curve.P_384, "ec-384");
    jwks.publish(List.of(tokens.ec.toPublicJWK(), p384.toPublicJWK()));
    String token = tokens.es256()
        .header(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(TokenFixtures.EC_KID).type(new JOSEObjectType("at+jwt")))
        .signer(TokenFixtures.signer(p384))
        .sign();

    assertInvalidToken(call(token), "signing key does not match token algorithm", token);
  }

  // --- JWKS behaviour ---------------------------------------------------------------------------------

  @Test
  void keyAddedByRotationIsAcceptedAfterOneRefetch() {
    assertThat(call(tokens.es256().sign()).statusCode()).isEqualTo(200);
    assertThat(jwks.hits()).isEqualTo(1);

    RSAKey rotated = TokenFixtures.rsaKey("rsa-2");
    jwks.publish(List.of(tokens.ec.toPublicJWK(), rotated.toPublicJWK()));
    clock.advance(Duration.ofSeconds(11));
    String token = tokens.rs256().header(h -> h.keyID("rsa-2")).signer(TokenFixtures.signer(rotated)).sign();

    assertThat(call(token).statusCode()).isEqualTo(200);
    assertThat(jwks.hits()).isEqualTo(2);
    assertThat(call(token).statusCode()).isEqualTo(200);
    assertThat(jwks.hits()).as("served from cache afterwards").isEqualTo(2);
  }

  @Test
  void unknownKidIsRejectedAndBurstsRefetchAtMostOncePerInterval() {
    assertThat(call(tokens.es256().sign()).statusCode()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(11));
    String token = tokens.es256().header(h -> h.keyID("never-published")).sign();

    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      burst.add(get("/evaluate").putHeader("Authorization", "Bearer " + token).send());
    }
    Future.all(burst).await();

    for (Future<HttpResponse<Buffer>> f : burst) {
      assertInvalidToken(f.result(), "unknown signing key", token);
    }
    assertThat(jwks.hits()).as("initial fetch plus one coalesced refetch").isEqualTo(2);

    clock.advance(Duration.ofSeconds(5));
    assertInvalidToken(call(token), "unknown signing key", token);
    assertThat(jwks.hits()).as("still inside the minimum refresh interval").isEqualTo(2);

    clock.advance(Duration.ofSeconds(6));
    assertInvalidToken(call(token), "unknown signing key", token);
    assertThat(jwks.hits()).isEqualTo(3);
  }

  @Test
  void jwksServerDownAtFirstUseDenies() {
    jwks.respondWith(503);
    String token = tokens.es256().sign();

    assertInvalidToken(call(token), "signing keys unavailable", token);
    assertThat(jwks.hits()).isEqualTo(1);
  }

  @Test
  void jwksUnreachableAtFirstUseDenies() {
    HttpServer closed = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "localhost").await();
    int port = closed.actualPort();
    closed.close().await();
    api = startApi(URI.create("http://localhost:" + port + "/jwks"));
    String token = tokens.es256().sign();

    assertInvalidToken(call(token), "signing keys unavailable", token);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private static void assertInvalidToken(HttpResponse<Buffer> response, String reason, String token) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo(
        "Bearer realm=\"panosc\", error=\"invalid_token\", error_description=\"" + reason + "\"");
    assertProblem(response, 401, "Unauthorized", reason);
    assertThat(response.bodyAsString()).doesNotContain(token);
    assertThat(response.getHeader("WWW-Authenticate")).doesNotContain(token);
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String title, String detail) {
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("about:blank");
    assertThat(problem.getString("title")).isEqualTo(title);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).isEqualTo(detail);
    assertThat(problem.getString("requestId")).isEqualTo(REQUEST_ID);
  }

  private static JWSSigner jdkEd25519Signer(KeyPair pair) {
    return new JWSSigner() {
      @Override
      public Base64URL sign(JWSHeader header, byte[] signingInput) {
        try {
          Signature signature = Signature.getInstance("Ed25519");
          signature.initSign(pair.getPrivate());
          signature.update(signingInput);
          return Base64URL.encode(signature.sign());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
      }

      @Override
      public JCAContext getJCAContext() {
        return new JCAContext();
      }
    };
  }

}
