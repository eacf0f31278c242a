package eu.panosc.aai.token;

import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.keys.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs JWTs with the provider's current key of the requested algorithm ({@code kid} in the header): ES256 (the
 * default) or RS256, for clients registered with {@code tokenSigningAlg: RS256} that cannot verify ES256. One
 * signer per key, reused. {@link #publishedKeys()} is what {@code /jwks} serves: both key sets.
 *
 * <p>ES256 is the token endpoint's hot path, so it does not go through Nimbus' {@code SignedJWT}: the protected
 * header of each {@code typ} is encoded once per key, the claims are written as JSON once (Jackson, through
 * Vert.x), and each thread keeps one JDK {@code SHA256withECDSAinP1363Format} signature initialised with the
 * current private key (a fresh random {@code k} per signature, from the JDK's {@code SecureRandom}), whose output
 * is already the JWS form R || S (RFC 7518 §3.4). The result is the same compact JWS Nimbus would produce, and
 * verifies with any JOSE library; RS256 still uses Nimbus.
 */
public final class JwtSigner {
  /** The algorithms a client may be registered for; ES256 first (the default). */
  public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

  private static final java.util.Base64.Encoder B64URL = java.util.Base64.getUrlEncoder().withoutPadding();
  /** The JDK's ECDSA with the signature as R || S, not DER (JDK 9+, provider SunEC). */
  static final String ES256_JCA = "SHA256withECDSAinP1363Format";

  private final Map<JWSAlgorithm, SigningKeys> keys;
  private final Map<JWSAlgorithm, Current> current = new ConcurrentHashMap<>();

  /**
   * The current key of one algorithm: Nimbus' signer (RS256), or for ES256 the private key, one JDK signature per
   * thread and the encoded protected header per {@code typ}.
   */
  private record Current(String kid, JWSSigner signer, java.security.PrivateKey ecKey,
      ThreadLocal<java.security.Signature> ecSignature, Map<String, String> headers) {}

  /** ES256 only (tests and tools). */
  public JwtSigner(SigningKeys es256) {
    this(es256, null);
  }

  /** @param rs256 the RSA keys, or null when RS256 is not offered */
  public JwtSigner(SigningKeys es256, SigningKeys rs256) {
    Objects.requireNonNull(es256, "es256");
    this.keys = rs256 == null ? Map.of(JWSAlgorithm.ES256, es256)
        : Map.of(JWSAlgorithm.ES256, es256, JWSAlgorithm.RS256, rs256);
  }

  /** The algorithms this signer signs with. */
  public Set<JWSAlgorithm> algorithms() {
    return keys.keySet();
  }

  /** The algorithms in a stable order (ES256 first), for discovery. */
  public List<String> algorithmNames() {
    return ALGORITHMS.stream().filter(keys::containsKey).map(JWSAlgorithm::getName).toList();
  }

  /** Every public key tokens may have been signed with (current, next, recently retired; both algorithms). */
  public JWKSet publishedKeys() {
    List<JWK> all = new ArrayList<>();
    ALGORITHMS.stream().filter(keys::containsKey).forEach(a -> keys.get(a).publishedKeys().getKeys()
        .forEach(k -> all.add(withAlgorithm(k, a))));
    return new JWKSet(all);
  }

  /** Every published key names its algorithm (RFC 7517 §4.4), so that verifiers never guess it from the header. */
  private static JWK withAlgorithm(JWK key, JWSAlgorithm alg) {
    if (key.getAlgorithm() != null) {
      return key;
    }
    if (key instanceof com.nimbusds.jose.jwk.ECKey ec) {
      return new com.nimbusds.jose.jwk.ECKey.Builder(ec).algorithm(alg).build();
    }
    if (key instanceof com.nimbusds.jose.jwk.RSAKey rsa) {
      return new com.nimbusds.jose.jwk.RSAKey.Builder(rsa).algorithm(alg).build();
    }
    return key;
  }

  /**
   * The algorithm {@code client} is registered for ({@code tokenSigningAlg}); ES256 for no client. A value this signer cannot honour fails rather than silently using another algorithm.
   */
  public JWSAlgorithm algorithmFor(RegisteredClient client) {
    String name = client == null ? null : client.tokenSigningAlg();
    JWSAlgorithm alg = name == null ? JWSAlgorithm.ES256 : JWSAlgorithm.parse(name);
    if (!keys.containsKey(alg)) {
      throw new IllegalStateException("client " + client.clientId() + " is registered for " + name
          + ", which this provider does not sign with");
    }
    return alg;
  }

  /** Signs with the algorithm {@code client} is registered for. */
  public String sign(JOSEObjectType type, JWTClaimsSet claims, RegisteredClient client) {
    return sign(type, claims, algorithmFor(client));
  }

  /** Signs with ES256. */
  public String sign(JOSEObjectType type, JWTClaimsSet claims) {
    return sign(type, claims, JWSAlgorithm.ES256);
  }

  public String sign(JOSEObjectType type, JWTClaimsSet claims, JWSAlgorithm alg) {
    Current s = current(alg);
    if (s.ecKey() != null) {
      return signEs256(s, type, claims);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(type).keyID(s.kid()).build(), claims);
    try {
      jwt.sign(s.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a JWT failed", e);
    }
    return jwt.serialize();
  }

  /** The compact JWS of {@code claims}, ES256 with the key of {@code s}. */
  private static String signEs256(Current s, JOSEObjectType type, JWTClaimsSet claims) {
    String typ = type == null ? "" : type.getType();
    String header = s.headers().get(typ);
    if (header == null) {
      header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).keyID(s.kid()).build().toBase64URL().toString();
      s.headers().put(typ, header);
    }
    String signingInput = header + '.' + B64URL.encodeToString(json(claims));
    byte[] rs;
    try {
      java.security.Signature signature = s.ecSignature().get();
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));   // base64url is ASCII
      rs = signature.sign();
    } catch (java.security.SignatureException e) {
      s.ecSignature().remove();   // its state is unknown now: this thread starts again with a new one
      throw new IllegalStateException("signing a JWT failed", e);
    }
    if (rs.length != 64) {
      throw new IllegalStateException("an ES256 signature must be 64 bytes, not " + rs.length);
    }
    return signingInput + '.' + B64URL.encodeToString(rs);
  }

  /** The claims as JSON (UTF-8); a claim value Vert.x cannot write is left to Nimbus. */
  static byte[] json(JWTClaimsSet claims) {
    Map<String, Object> object = claims.toJSONObject();
    try {
      return io.vertx.core.json.Json.encodeToBuffer(object).getBytes();
    } catch (io.vertx.core.json.EncodeException e) {
      return claims.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  private Current current(JWSAlgorithm alg) {
    SigningKeys set = Optional.ofNullable(keys.get(alg))
        .orElseThrow(() -> new IllegalStateException("no " + alg + " keys"));
    JWK key = set.signingKey();
    Current s = current.get(alg);
    if (s == null || !s.kid().equals(key.getKeyID())) {
      try {
        s = JWSAlgorithm.ES256.equals(alg) ? es256((ECKey) key)
            : new Current(key.getKeyID(), new RSASSASigner((RSAKey) key), null, null, null);
      } catch (JOSEException | ClassCastException e) {
        throw new IllegalStateException("the signing key cannot sign " + alg, e);
      }
      current.put(alg, s);
    }
    return s;
  }

  private static Current es256(ECKey key) throws JOSEException {
    if (!com.nimbusds.jose.jwk.Curve.P_256.equals(key.getCurve()) || !key.isPrivate()) {
      throw new JOSEException("an ES256 signing key must be a private P-256 key");
    }
    java.security.PrivateKey privateKey = key.toPrivateKey();
    // fails here, at the first signature with a new key, rather than per request
    newSignature(privateKey);
    return new Current(key.getKeyID(), null, privateKey, ThreadLocal.withInitial(() -> newSignature(privateKey)),
        new ConcurrentHashMap<>());
  }

  private static java.security.Signature newSignature(java.security.PrivateKey key) {
    try {
      java.security.Signature signature = java.security.Signature.getInstance(ES256_JCA);
      signature.initSign(key, new java.security.SecureRandom());
      return signature;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot sign ES256 with this key", e);
    }
  }
}
