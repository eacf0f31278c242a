package eu.panosc.aai.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.config.ConfigNode;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Keys and crafted tokens of a made-up OP for the unit tests (the real OP of the integration tests is Keycloak). */
final class TestOp {
  static final String ISSUER = "https://op.example.org";
  static final String CLIENT = "panosc-broker";
  static final RSAKey RSA = generateRsa("rsa-1");
  static final RSAKey OTHER_RSA = generateRsa("rsa-1");
  static final ECKey EC = generateEc("ec-1");

  private TestOp() {}

  static OidcUpstreamSettings settings(Map<String, Object> extra) {
    Map<String, Object> values = new HashMap<>(Map.of("issuer", ISSUER, "clientId", CLIENT, "clientSecret",
        "secret-1"));
    values.putAll(extra);
    return OidcUpstreamSettings.from("op", ConfigNode.of("services.aai.upstreams.op.oidc", values));
  }

  static OidcUpstreamSettings settings() {
    return settings(Map.of());
  }

  /** ID token claims valid at {@code now} for nonce {@code n}. */
  static JWTClaimsSet.Builder idToken(Instant now, String nonce) {
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("user-123").audience(CLIENT).claim("nonce", nonce)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("sid", "op-session-1");
  }

  static String rs256(JWTClaimsSet claims, RSAKey key) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
          .type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String es256(JWTClaimsSet claims, ECKey key) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** HS256 with the RSA key's public modulus as the "secret" (the classic key-confusion attack). */
  static String hs256(JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(RSA.toPublicJWK().toRSAPublicKey().getEncoded()));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String none(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  static List<com.nimbusds.jose.jwk.JWK> publicKeys() {
    return List.of(RSA.toPublicJWK(), EC.toPublicJWK());
  }

  private static RSAKey generateRsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECKey generateEc(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
