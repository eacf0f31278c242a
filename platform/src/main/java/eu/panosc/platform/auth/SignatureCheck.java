package eu.panosc.platform.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JWS signature with a key whose type and curve must match the algorithm, so that a key can never
 * be used with another algorithm family (algorithm confusion).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1">RFC 8725 §3.1: Perform Algorithm Verification</a>
 */
public final class SignatureCheck {

  /** The allow-list; everything else (HS*, none, unknown) is rejected before any key lookup. */
  public static final Set<JWSAlgorithm> ALLOWED = Set.of(
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
      JWSAlgorithm.EdDSA);

  private static final Map<JWSAlgorithm, Curve> EC_CURVES = Map.of(
      JWSAlgorithm.ES256, Curve.P_256, JWSAlgorithm.ES384, Curve.P_384, JWSAlgorithm.ES512, Curve.P_521);
  private static final int MIN_RSA_BITS = 2048;
  /** DER prefix of an X.509 SubjectPublicKeyInfo for a 32-byte Ed25519 key (RFC 8410). */
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private SignatureCheck() {}

  /** Whether the signature is valid; throws {@link InvalidTokenException} if the key does not fit the algorithm. */
  public static boolean verify(SignedJWT jwt, JWK key) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      throw new InvalidTokenException("signing key not usable for signatures");
    }
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
      throw new InvalidTokenException("signing key not usable with token algorithm");
    }
    try {
      if (EC_CURVES.containsKey(alg)) {
        if (!(key instanceof ECKey ec) || !EC_CURVES.get(alg).equals(ec.getCurve())) {
          throw mismatch();
        }
        return jwt.verify(new ECDSAVerifier(ec));
      }
      if (JWSAlgorithm.Family.RSA.contains(alg)) {
        if (!(key instanceof RSAKey rsa) || rsa.size() < MIN_RSA_BITS) {
          throw mismatch();
        }
        return jwt.verify(new RSASSAVerifier(rsa));
      }
      if (JWSAlgorithm.EdDSA.equals(alg)) {
        if (!(key instanceof OctetKeyPair okp) || !Curve.Ed25519.equals(okp.getCurve())) {
          throw mismatch();
        }
        return verifyEd25519(jwt, okp);
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("signature could not be verified", e);
    }
    throw new InvalidTokenException("unsupported algorithm");
  }

  /** Uses the JDK's Ed25519 (Nimbus' own Ed25519Verifier needs the optional Tink library). */
  private static boolean verifyEd25519(SignedJWT jwt, OctetKeyPair okp) {
    byte[] x = okp.getDecodedX();
    if (x.length != 32) {
      throw mismatch();
    }
    try {
      byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
      System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
      System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
      PublicKey publicKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(publicKey);
      signature.update(jwt.getSigningInput());
      return signature.verify(jwt.getSignature().decode());
    } catch (GeneralSecurityException e) {
      throw new InvalidTokenException("signature could not be verified", e);
    }
  }

  private static InvalidTokenException mismatch() {
    return new InvalidTokenException("signing key does not match token algorithm");
  }
}
