package eu.panosc.aai;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** private_key_jwt (RFC 7523) at the token endpoint, including replay, alg none and HMAC confusion. */
class PrivateKeyJwtIT {
  @TempDir
  static Path dataDir;

  static Platform platform;
  static String base;
  static ECKey key;

  @BeforeAll
  static void start() throws Exception {
    platform = AaiPlatform.start(dataDir, true, Map.of());
    base = platform.baseUrl().toString();
    key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    String admin = token("grant_type=client_credentials&scope=registry:admin",
        "registry-admin:registry-admin-demo-secret").getString("access_token");
    JsonObject client = new JsonObject().put("clientId", "catalogue-sync").put("facility", "esrf").put("type", "service")
        .put("grantTypes", new JsonArray().add("client_credentials")).put("authMethod", "private_key_jwt")
        .put("scopes", new JsonArray().add("pdp:evaluate"))
        .put("jwks", new JsonObject(new JWKSet(key.toPublicJWK()).toString()));
    HttpResponse<String> created = Http.sendJson("POST", base + "/registry/admin/v1/clients", admin, client.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(new JsonObject(created.body()).containsKey("clientSecret")).isFalse();
    Http.sendJson("POST", base + "/registry/admin/v1/clients/catalogue-sync/approve", admin, null);
  }

  @AfterAll
  static void stop() throws Exception {
    platform.stop().get(60, TimeUnit.SECONDS);
  }

  static JsonObject token(String form, String basic) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    if (basic != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = Http.send(b.build());
    return new JsonObject(r.body()).put("_status", r.statusCode());
  }

  static JWTClaimsSet.Builder claims(String aud) {
    Date now = new Date();
    return new JWTClaimsSet.Builder().issuer("catalogue-sync").subject("catalogue-sync").audience(aud)
        .jwtID(UUID.randomUUID().toString()).issueTime(now).expirationTime(new Date(now.getTime() + 120_000));
  }

  static String signed(JWTClaimsSet claims, ECKey signer) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new ECDSASigner(signer));
    return jwt.serialize();
  }

  static JsonObject withAssertion(String assertion) {
    return token("grant_type=client_credentials&client_assertion_type="
        + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&client_assertion=" + assertion, null);
  }

  @Test
  void assertionWhenValidThenTokenAndReplayRefused() throws Exception {
    String assertion = signed(claims(base + "/aai/token").build(), key);
    JsonObject ok = withAssertion(assertion);
    assertThat(ok.getInteger("_status")).as(ok.encode()).isEqualTo(200);
    assertThat(ok.getString("scope")).isEqualTo("pdp:evaluate");
    JsonObject replay = withAssertion(assertion);
    assertThat(replay.getInteger("_status")).isEqualTo(401);
    assertThat(replay.getString("error")).isEqualTo("invalid_client");
    assertThat(withAssertion(signed(claims(base + "/aai").build(), key)).getInteger("_status"))
        .as("the issuer is an acceptable audience").isEqualTo(200);
  }

  @Test
  void assertionWhenForgedOrMalformedThenInvalidClient() throws Exception {
    // alg none
    String none = new PlainJWT(claims(base + "/aai/token").build()).serialize();
    assertThat(withAssertion(none).getString("error")).isEqualTo("invalid_client");
    // HMAC confusion: HS256 keyed with the registered public key's encoding
    byte[] publicBytes = key.toPublicJWK().toECPublicKey().getEncoded();
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
        claims(base + "/aai/token").build());
    hs.sign(new MACSigner(java.util.Arrays.copyOf(publicBytes, Math.max(32, publicBytes.length))));
    assertThat(withAssertion(hs.serialize()).getString("error")).isEqualTo("invalid_client");
    // another key with the same kid
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    assertThat(withAssertion(signed(claims(base + "/aai/token").build(), other)).getString("error"))
        .isEqualTo("invalid_client");
    // wrong audience, expired, far future, iss != sub, no jti
    assertThat(withAssertion(signed(claims("https://elsewhere.example/token").build(), key)).getString("error"))
        .isEqualTo("invalid_client");
    Date past = new Date(System.currentTimeMillis() - 600_000);
    assertThat(withAssertion(signed(claims(base + "/aai/token").expirationTime(past).build(), key)).getString("error"))
        .isEqualTo("invalid_client");
    Date farFuture = new Date(System.currentTimeMillis() + 3_600_000);
    assertThat(withAssertion(signed(claims(base + "/aai/token").expirationTime(farFuture).build(), key))
        .getString("error")).isEqualTo("invalid_client");
    assertThat(withAssertion(signed(claims(base + "/aai/token").subject("someone-else").build(), key))
        .getString("error")).isEqualTo("invalid_client");
    assertThat(withAssertion(signed(claims(base + "/aai/token").jwtID(null).build(), key)).getString("error"))
        .isEqualTo("invalid_client");
    assertThat(withAssertion("not-a-jwt").getString("error")).isEqualTo("invalid_client");
    // a secret-based client cannot use an assertion, and two methods at once are refused
    assertThat(token("grant_type=client_credentials&client_assertion_type=x&client_assertion=y",
        "registry-admin:registry-admin-demo-secret").getString("error")).isEqualTo("invalid_request");
  }
}
