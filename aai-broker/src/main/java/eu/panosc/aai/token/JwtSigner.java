package eu.panosc.aai.token;

import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.keys.SigningKeys;
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
 */
public final class JwtSigner {
  /** The algorithms a client may be registered for; ES256 first (the default). */
  public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

  private final Map<JWSAlgorithm, SigningKeys> keys;
  private final Map<JWSAlgorithm, Current> current = new ConcurrentHashMap<>();

  private record Current(String kid, JWSSigner signer) {}

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
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(type).keyID(s.kid()).build(), claims);
    try {
      jwt.sign(s.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a JWT failed", e);
    }
    return jwt.serialize();
  }

  private Current current(JWSAlgorithm alg) {
    SigningKeys set = Optional.ofNullable(keys.get(alg))
        .orElseThrow(() -> new IllegalStateException("no " + alg + " keys"));
    JWK key = set.signingKey();
    Current s = current.get(alg);
    if (s == null || !s.kid().equals(key.getKeyID())) {
      try {
        s = new Current(key.getKeyID(), JWSAlgorithm.ES256.equals(alg) ? new ECDSASigner((ECKey) key)
            : new RSASSASigner((RSAKey) key));
      } catch (JOSEException | ClassCastException e) {
        throw new IllegalStateException("the signing key cannot sign " + alg, e);
      }
      current.put(alg, s);
    }
    return s;
  }
}
