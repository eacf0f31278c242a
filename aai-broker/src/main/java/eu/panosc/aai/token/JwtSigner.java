package eu.panosc.aai.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.registry.oidfed.FederationKeys;
import java.util.Objects;

/** Signs JWTs with the provider's current ES256 key ({@code kid} in the header); one signer per key, reused. */
public final class JwtSigner {
  private final FederationKeys keys;
  private volatile Current current;

  private record Current(String kid, ECDSASigner signer) {}

  public JwtSigner(FederationKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  public FederationKeys keys() {
    return keys;
  }

  /** The algorithms this signer signs with. */
  public java.util.Set<JWSAlgorithm> algorithms() {
    return java.util.Set.of(JWSAlgorithm.ES256);
  }

  /** Every public key tokens of this signer may have been signed with (current, next, recently retired). */
  public com.nimbusds.jose.jwk.JWKSet publishedKeys() {
    return keys.publishedKeys();
  }

  /** Signs with the algorithm {@code client} (its registry document) is registered for. */
  public String sign(JOSEObjectType type, JWTClaimsSet claims, io.vertx.core.json.JsonObject client) {
    return sign(type, claims);
  }

  public String sign(JOSEObjectType type, JWTClaimsSet claims) {
    Current s = current();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).keyID(s.kid()).build(), claims);
    try {
      jwt.sign(s.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a JWT failed", e);
    }
    return jwt.serialize();
  }

  private Current current() {
    JWK key = keys.signingKey();
    Current s = current;
    if (s == null || !s.kid().equals(key.getKeyID())) {
      try {
        s = new Current(key.getKeyID(), new ECDSASigner((ECKey) key));
      } catch (JOSEException e) {
        throw new IllegalStateException("the signing key cannot sign ES256", e);
      }
      current = s;
    }
    return s;
  }
}
