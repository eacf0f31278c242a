package eu.panosc.platform.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

/** Fixture builder for signed access tokens with sensible RFC 9068 defaults. */
final class TokenFixtures {

  static final String ISSUER = "https://aai.panosc.eu/realms/panosc";
  static final String AUDIENCE = "https://pdp.panosc.eu";
  static final String EC_KID = "ec-1";
  static final String RSA_KID = "rsa-1";

  final ECKey ec;
  final RSAKey rsa;
  private final Clock clock;

  TokenFixtures(Clock clock) {
    this.clock = clock;
    this.ec = ecKey(Curve.P_256, EC_KID);
    this.rsa = rsaKey(RSA_KID);
  }

  static ECKey ecKey(Curve curve, String kid) {
    try {
      return new ECKeyGenerator(curve).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static RSAKey rsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  Builder es256() {
    return new Builder(JWSAlgorithm.ES256, EC_KID, signer(ec));
  }

  Builder rs256() {
    return new Builder(JWSAlgorithm.RS256, RSA_KID, signer(rsa));
  }

  static JWSSigner signer(ECKey key) {
    try {
      return new ECDSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWSSigner signer(RSAKey key) {
    try {
      return new RSASSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Default claims: valid now for five minutes, scope {@code pdp:evaluate openid}. */
  JWTClaimsSet.Builder defaultClaims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("alice@facility.eu")
        .claim("client_id", "data-portal")
        .claim("scope", "pdp:evaluate openid")
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
  }

  /** A compact JWS with an arbitrary header JSON and a dummy signature (for header-level rejections). */
  String rawToken(String headerJson) {
    return Base64URL.encode(headerJson) + "." + Base64URL.encode(defaultClaims().build().toString())
        + "." + Base64URL.encode("not-a-signature");
  }

  final class Builder {
    private JWSHeader.Builder header;
    private final JWTClaimsSet.Builder claims = defaultClaims();
    private JWSSigner signer;

    Builder(JWSAlgorithm alg, String kid, JWSSigner signer) {
      this.header = new JWSHeader.Builder(alg).keyID(kid).type(new JOSEObjectType("at+jwt"));
      this.signer = signer;
    }

    Builder header(Consumer<JWSHeader.Builder> change) {
      change.accept(header);
      return this;
    }

    Builder header(JWSHeader.Builder replacement) {
      header = replacement;
      return this;
    }

    Builder claims(Consumer<JWTClaimsSet.Builder> change) {
      change.accept(claims);
      return this;
    }

    Builder signer(JWSSigner replacement) {
      signer = replacement;
      return this;
    }

    String sign() {
      SignedJWT jwt = new SignedJWT(header.build(), claims.build());
      try {
        jwt.sign(signer);
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }
  }
}
