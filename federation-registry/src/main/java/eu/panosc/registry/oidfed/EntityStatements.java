package eu.panosc.registry.oidfed;

import eu.panosc.platform.keys.SigningKeys;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.Objects;
import java.util.Set;

/**
 * Signs the trust anchor's JWTs (entity statements, resolve responses, trust marks, trust mark status
 * responses) with its current Federation Entity Key: ES256, explicit {@code typ}, {@code kid}.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-3">OpenID Federation 1.0 §3, Entity Statement</a>
 */
public final class EntityStatements {
  /** Claims this specification defines; they MUST NOT appear in {@code crit}. */
  public static final Set<String> SPEC_CLAIMS = Set.of("iss", "sub", "iat", "exp", "jwks", "aud", "metadata",
      "metadata_policy", "metadata_policy_crit", "constraints", "crit", "authority_hints", "trust_anchor_hints",
      "trust_marks", "trust_mark_issuers", "trust_mark_owners", "source_endpoint", "trust_anchor");

  /** Policy operators defined by the specification. */
  public static final Set<String> STANDARD_OPERATORS = Set.of("value", "add", "default", "one_of", "subset_of",
      "superset_of", "essential");

  private final SigningKeys keys;

  public EntityStatements(SigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** Signs an entity statement ({@code typ} {@code entity-statement+jwt}) after checking its {@code crit} claim. */
  public String entityStatement(JsonObject claims) {
    checkCrit(claims, Set.of());
    return sign(FederationMediaTypes.ENTITY_STATEMENT_TYP, claims);
  }

  /** Signs {@code claims} with the current key, header {@code alg=ES256}, {@code typ}, {@code kid}. */
  public String sign(String typ, JsonObject claims) {
    JWK key = keys.signingKey();
    if (!(key instanceof ECKey ec) || !ec.isPrivate()) {
      throw new IllegalStateException("The federation signing key must be a private EC key.");
    }
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
          .type(new JOSEObjectType(typ))
          .keyID(key.getKeyID())
          .build();
      SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(claims.encode()));
      jwt.sign(new ECDSASigner(ec));
      return jwt.serialize();
    } catch (JOSEException | ParseException e) {
      throw new IllegalStateException("Cannot sign a " + typ + ": " + e.getMessage(), e);
    }
  }

  /**
   * Throws {@link IllegalArgumentException} unless every {@code crit} entry names a claim that is present,
   * not defined by the specification, and in {@code understood}.
   */
  // OIDF 1.0 §3.1: crit lists extension claims that MUST be understood; spec claims MUST NOT be listed.
  public static void checkCrit(JsonObject claims, Set<String> understood) {
    Object crit = claims.getValue("crit");
    if (crit == null) {
      return;
    }
    if (!(crit instanceof JsonArray names) || names.isEmpty()) {
      throw new IllegalArgumentException("crit must be a non-empty array of claim names");
    }
    for (Object n : names) {
      if (!(n instanceof String name)) {
        throw new IllegalArgumentException("crit must hold strings");
      }
      if (SPEC_CLAIMS.contains(name)) {
        throw new IllegalArgumentException("crit must not list the specification's claim " + name);
      }
      if (!claims.containsKey(name)) {
        throw new IllegalArgumentException("crit lists the absent claim " + name);
      }
      if (!understood.contains(name)) {
        throw new IllegalArgumentException("crit lists the claim " + name + ", which is not understood");
      }
    }
  }

  /** Throws {@link IllegalArgumentException} if {@code metadata_policy_crit} names an operator not understood. */
  // OIDF 1.0 §6.1.3.2 (metadata_policy_crit): unknown critical operators make the statement unusable.
  public static void checkPolicyCrit(JsonObject claims) {
    Object crit = claims.getValue("metadata_policy_crit");
    if (crit == null) {
      return;
    }
    if (!(crit instanceof JsonArray ops)) {
      throw new IllegalArgumentException("metadata_policy_crit must be an array");
    }
    for (Object op : ops) {
      if (!(op instanceof String s) || !STANDARD_OPERATORS.contains(s)) {
        throw new IllegalArgumentException("metadata_policy_crit lists the unknown operator " + op);
      }
    }
  }
}
