package eu.panosc.aai.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.keys.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ES256 path signs without Nimbus' {@code SignedJWT} (JDK signature per thread, header encoded once): its tokens
 * must be what Nimbus would have made, verify with the published key, and follow a key rotation.
 */
class JwtSignerTest {
  private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  /** Keys whose current signing key a test can replace (a rotation). */
  private static final class Keys implements SigningKeys {
    final AtomicReference<JWK> current;
    final List<JWK> published = new ArrayList<>();

    Keys(JWK first) {
      current = new AtomicReference<>(first);
      published.add(first.toPublicJWK());
    }

    void rotate(JWK next) {
      current.set(next);
      published.add(next.toPublicJWK());
    }

    @Override
    public JWK signingKey() {
      return current.get();
    }

    @Override
    public JWKSet publishedKeys() {
      return new JWKSet(published);
    }
  }

  private static ECKey p256(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  private static JWTClaimsSet claims(String subject) {
    Map<String, Object> act = new LinkedHashMap<>();
    act.put("sub", "scicat-esrf");
    act.put("act", Map.of("sub", "first-actor"));
    Date now = new Date(1_790_000_000_000L);
    return new JWTClaimsSet.Builder().issuer("https://aai.example/aai").subject(subject)
        .audience(List.of("https://icat.ill.demo", "https://example.org/pdp")).claim("client_id", "scicat-esrf")
        .claim("scope", "openid pdp:evaluate").issueTime(now).notBeforeTime(now)
        .expirationTime(new Date(now.getTime() + 600_000)).jwtID("7d7c7a1e-0000-4000-8000-000000000001")
        .claim("act", act).claim("count", 3L).claim("flag", true).build();
  }

  private static Map<String, Object> header(String jwt) {
    String json = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
    return new io.vertx.core.json.JsonObject(json).getMap();
  }

  @Test
  void es256WhenSignedThenVerifiesWithThePublishedKeyAndCarriesTheSameClaimsAndHeader() throws Exception {
    ECKey key = p256("k1");
    JwtSigner signer = new JwtSigner(new Keys(key));
    JWTClaimsSet claims = claims("alice-pairwise");

    String jwt = signer.sign(AT_JWT, claims, JWSAlgorithm.ES256);

    SignedJWT parsed = SignedJWT.parse(jwt);
    assertThat(parsed.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
    assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(parsed.getHeader().getType()).isEqualTo(AT_JWT);
    assertThat(parsed.getHeader().getKeyID()).isEqualTo("k1");
    assertThat(header(jwt)).containsOnlyKeys("alg", "typ", "kid");
    assertThat(parsed.getSignature().decode()).as("JWS ECDSA signature is R || S, 64 bytes").hasSize(64);
    assertThat(parsed.getJWTClaimsSet().toJSONObject()).isEqualTo(claims.toJSONObject());
    assertThat(parsed.getJWTClaimsSet().getAudience()).containsExactly("https://icat.ill.demo", "https://example.org/pdp");
    assertThat(parsed.getJWTClaimsSet().getExpirationTime()).isEqualTo(claims.getExpirationTime());
  }

  @Test
  void es256WhenClaimsNeedEscapingThenTheyRoundTrip() throws Exception {
    ECKey key = p256("k1");
    JwtSigner signer = new JwtSigner(new Keys(key));
    String odd = "quote \" backslash \\ newline \n tab \t nul \u0000 e\u0301 \u00e9 \u4e2d \uD83D\uDE00 </script>";
    JWTClaimsSet claims = new JWTClaimsSet.Builder(claims(odd)).claim("name", odd).build();

    SignedJWT parsed = SignedJWT.parse(signer.sign(JOSEObjectType.JWT, claims, JWSAlgorithm.ES256));

    assertThat(parsed.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
    assertThat(parsed.getJWTClaimsSet().getSubject()).isEqualTo(odd);
    assertThat(parsed.getJWTClaimsSet().getStringClaim("name")).isEqualTo(odd);
    assertThat(parsed.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
  }

  @Test
  void es256WhenTheSameClaimsAreSignedTwiceThenEachSignatureIsFreshAndBothVerify() throws Exception {
    ECKey key = p256("k1");
    JwtSigner signer = new JwtSigner(new Keys(key));
    JWTClaimsSet claims = claims("alice");

    String a = signer.sign(AT_JWT, claims, JWSAlgorithm.ES256);
    String b = signer.sign(AT_JWT, claims, JWSAlgorithm.ES256);

    assertThat(a.substring(0, a.lastIndexOf('.'))).isEqualTo(b.substring(0, b.lastIndexOf('.')));
    assertThat(a).as("a random k per ECDSA signature").isNotEqualTo(b);
    assertThat(SignedJWT.parse(a).verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
    assertThat(SignedJWT.parse(b).verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
  }

  @Test
  void es256WhenTheKeyRotatesThenTheNextTokenNamesAndUsesTheNewKey() throws Exception {
    ECKey first = p256("k1");
    ECKey second = p256("k2");
    Keys keys = new Keys(first);
    JwtSigner signer = new JwtSigner(keys);
    String before = signer.sign(AT_JWT, claims("alice"), JWSAlgorithm.ES256);

    keys.rotate(second);
    String after = signer.sign(AT_JWT, claims("alice"), JWSAlgorithm.ES256);

    assertThat(SignedJWT.parse(before).getHeader().getKeyID()).isEqualTo("k1");
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo("k2");
    assertThat(SignedJWT.parse(after).verify(new ECDSAVerifier(second.toPublicJWK()))).isTrue();
    assertThat(SignedJWT.parse(after).verify(new ECDSAVerifier(first.toPublicJWK()))).isFalse();
    assertThat(signer.publishedKeys().getKeyByKeyId("k2")).isNotNull();
  }

  @Test
  void es256WhenManyThreadsSignAtOnceThenEveryTokenVerifies() throws Exception {
    ECKey key = p256("k1");
    JwtSigner signer = new JwtSigner(new Keys(key));
    ECDSAVerifier verifier = new ECDSAVerifier(key.toPublicJWK());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String subject = "user-" + t;
        results.add(pool.submit(() -> {
          List<String> out = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            out.add(signer.sign(AT_JWT, claims(subject + "-" + i), JWSAlgorithm.ES256));
          }
          return out;
        }));
      }
      Set<String> subjects = new java.util.HashSet<>();
      for (Future<List<String>> f : results) {
        for (String jwt : f.get()) {
          SignedJWT parsed = SignedJWT.parse(jwt);
          assertThat(parsed.verify(verifier)).isTrue();
          subjects.add(parsed.getJWTClaimsSet().getSubject());
        }
      }
      assertThat(subjects).hasSize(200);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void es256WhenTheKeyIsNotP256ThenSigningFailsRatherThanUsingAnotherCurve() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("k384").generate();
    JwtSigner signer = new JwtSigner(new Keys(p384));

    assertThatThrownBy(() -> signer.sign(AT_JWT, claims("alice"), JWSAlgorithm.ES256))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot sign ES256");
  }

  @Test
  void es256WhenOnlyThePublicKeyIsGivenThenSigningFails() throws Exception {
    JwtSigner signer = new JwtSigner(new Keys(p256("k1").toPublicJWK()));

    assertThatThrownBy(() -> signer.sign(AT_JWT, claims("alice"), JWSAlgorithm.ES256))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot sign ES256");
  }

  @Test
  void rs256WhenRequestedThenSignedWithTheRsaKey() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
    JwtSigner signer = new JwtSigner(new Keys(p256("k1")), new Keys(rsa));

    SignedJWT parsed = SignedJWT.parse(signer.sign(AT_JWT, claims("alice"), JWSAlgorithm.RS256));

    assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(parsed.getHeader().getKeyID()).isEqualTo("r1");
    assertThat(parsed.verify(new RSASSAVerifier(rsa.toPublicJWK()))).isTrue();
    assertThat(parsed.getJWTClaimsSet().toJSONObject()).isEqualTo(claims("alice").toJSONObject());
  }
}
