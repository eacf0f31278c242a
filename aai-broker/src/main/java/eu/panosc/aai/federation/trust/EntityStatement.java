package eu.panosc.aai.federation.trust;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entity statement (OpenID Federation 1.0 §3): an entity configuration ({@code iss == sub}) or a subordinate
 * statement, parsed but trusted only once {@link #verify} succeeded with the keys the chain says it must verify with.
 *
 * @param iss who issued it
 * @param sub whom it is about
 * @param issuedAt its {@code iat}
 * @param expiresAt its {@code exp}
 * @param jwks the subject's Federation Entity Keys
 * @param authorityHints the subject's superiors (entity configurations only)
 * @param metadata the {@code metadata} claim (empty when absent)
 * @param metadataPolicy the {@code metadata_policy} claim (empty when absent; subordinate statements only)
 * @param jwt the signed statement
 */
public record EntityStatement(String iss, String sub, Instant issuedAt, Instant expiresAt, JWKSet jwks,
    List<String> authorityHints, JsonObject metadata, JsonObject metadataPolicy, SignedJWT jwt) {
  /** §3: the media type's {@code typ}. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("entity-statement+jwt");
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
      JWSAlgorithm.PS384, JWSAlgorithm.PS512);

  public EntityStatement {
    Objects.requireNonNull(iss, "iss");
    Objects.requireNonNull(sub, "sub");
    authorityHints = List.copyOf(authorityHints);
  }

  /** Whether it is an entity configuration (self-issued). */
  public boolean selfIssued() {
    return iss.equals(sub);
  }

  /**
   * Parses {@code compact}; nothing is trusted yet.
   *
   * @throws TrustChainException ({@code MALFORMED}) naming what is missing or wrong
   */
  public static EntityStatement parse(String compact, String what) {
    SignedJWT jwt;
    Map<String, Object> claims;
    try {
      jwt = SignedJWT.parse(compact);
      claims = jwt.getJWTClaimsSet().getClaims();
    } catch (ParseException | RuntimeException e) {
      throw malformed(what, "is not a signed JWT");
    }
    if (!TYPE.equals(jwt.getHeader().getType())) {
      throw malformed(what, "has typ " + jwt.getHeader().getType() + ", not entity-statement+jwt");
    }
    if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
      throw malformed(what, "is signed with " + jwt.getHeader().getAlgorithm() + ", not an asymmetric algorithm");
    }
    if (jwt.getHeader().getKeyID() == null) {
      throw malformed(what, "has no kid in its header");
    }
    JsonObject c = new JsonObject(jsonReady(claims));
    String iss = string(c, "iss", what);
    String sub = string(c, "sub", what);
    Instant iat = instant(c, "iat", what);
    Instant exp = instant(c, "exp", what);
    JsonObject jwksJson = c.getValue("jwks") instanceof JsonObject j ? j : null;
    JWKSet jwks;
    if (jwksJson == null) {
      throw malformed(what, "has no jwks");
    }
    try {
      jwks = JWKSet.parse(jwksJson.getMap());
    } catch (ParseException e) {
      throw malformed(what, "has jwks that are not a JWK Set");
    }
    for (JWK k : jwks.getKeys()) {
      if (k.isPrivate()) {
        throw malformed(what, "publishes a private key");
      }
    }
    List<String> hints = new ArrayList<>();
    Object h = c.getValue("authority_hints");
    if (h != null) {
      if (!(h instanceof JsonArray a) || !a.stream().allMatch(x -> x instanceof String)) {
        throw malformed(what, "has authority_hints that are not an array of strings");
      }
      a.forEach(x -> hints.add((String) x));
    }
    return new EntityStatement(iss, sub, iat, exp, jwks, hints, object(c, "metadata", what),
        object(c, "metadata_policy", what), jwt);
  }

  /** Its signature by a key of {@code keys} with its header's {@code kid}. */
  public void verify(JWKSet keys, String what) {
    JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
    if (key == null) {
      throw new TrustChainException(TrustChainException.Reason.SIGNATURE, what + " is signed with key "
          + jwt.getHeader().getKeyID() + ", which is not among the keys it must be signed with");
    }
    try {
      JWSVerifier verifier = switch (key) {
        case ECKey ec when JWSAlgorithm.Family.EC.contains(jwt.getHeader().getAlgorithm()) -> new ECDSAVerifier(ec);
        case RSAKey rsa when JWSAlgorithm.Family.RSA.contains(jwt.getHeader().getAlgorithm()) ->
            new RSASSAVerifier(rsa);
        default -> null;
      };
      if (verifier == null || !jwt.verify(verifier)) {
        throw new TrustChainException(TrustChainException.Reason.SIGNATURE, what + " has a signature that does not "
            + "verify");
      }
    } catch (JOSEException e) {
      throw new TrustChainException(TrustChainException.Reason.SIGNATURE, what + " has a signature that does not "
          + "verify");
    }
  }

  /** Valid at {@code now} (with {@code skew}): issued not in the future, not expired. */
  public void checkTime(Instant now, Duration skew, String what) {
    if (!expiresAt.isAfter(now.minus(skew))) {
      throw new TrustChainException(TrustChainException.Reason.EXPIRED, what + " expired at " + expiresAt);
    }
    if (issuedAt.isAfter(now.plus(skew))) {
      throw new TrustChainException(TrustChainException.Reason.EXPIRED, what + " is issued in the future ("
          + issuedAt + ")");
    }
  }

  private static Map<String, Object> jsonReady(Map<String, Object> claims) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    claims.forEach((k, v) -> out.put(k, v instanceof java.util.Date d ? d.getTime() / 1000 : v));
    return out;
  }

  private static TrustChainException malformed(String what, String reason) {
    return new TrustChainException(TrustChainException.Reason.MALFORMED, what + " " + reason);
  }

  private static String string(JsonObject c, String name, String what) {
    if (!(c.getValue(name) instanceof String s) || s.isEmpty()) {
      throw malformed(what, "has no " + name);
    }
    return s;
  }

  private static Instant instant(JsonObject c, String name, String what) {
    if (!(c.getValue(name) instanceof Number n)) {
      throw malformed(what, "has no " + name);
    }
    return Instant.ofEpochSecond(n.longValue());
  }

  private static JsonObject object(JsonObject c, String name, String what) {
    Object v = c.getValue(name);
    if (v == null) {
      return new JsonObject();
    }
    if (!(v instanceof JsonObject o)) {
      throw malformed(what, "has a " + name + " that is not an object");
    }
    return o;
  }
}
