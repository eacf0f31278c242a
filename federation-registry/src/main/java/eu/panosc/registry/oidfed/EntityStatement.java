package eu.panosc.registry.oidfed;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed, not yet trusted Entity Statement: its compact form, the Nimbus object and its claims.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-3">OpenID Federation 1.0 §3, Entity Statement</a>
 */
public record EntityStatement(String jwt, SignedJWT signed, JsonObject claims) {

  public EntityStatement {
    Objects.requireNonNull(jwt, "jwt");
    Objects.requireNonNull(signed, "signed");
    Objects.requireNonNull(claims, "claims");
  }

  /** Parses {@code jwt}; throws {@link IllegalArgumentException} when it is not a signed JWT with a JSON claims set. */
  public static EntityStatement parse(String jwt) {
    try {
      SignedJWT signed = SignedJWT.parse(jwt.trim());
      return new EntityStatement(jwt.trim(), signed, new JsonObject(signed.getPayload().toString()));
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("Not a signed JWT: " + e.getMessage(), e);
    }
  }

  public String typ() {
    var t = signed.getHeader().getType();
    return t == null ? null : t.getType();
  }

  public String kid() {
    return signed.getHeader().getKeyID();
  }

  public String iss() {
    return claims.getValue("iss") instanceof String s ? s : null;
  }

  public String sub() {
    return claims.getValue("sub") instanceof String s ? s : null;
  }

  public Instant iat() {
    return instant("iat");
  }

  public Instant exp() {
    return instant("exp");
  }

  private Instant instant(String name) {
    return claims.getValue(name) instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
  }

  /** The {@code jwks} claim, or null when absent or unparsable. */
  public JWKSet jwks() {
    JsonObject j = claims.getValue("jwks") instanceof JsonObject o ? o : null;
    if (j == null) {
      return null;
    }
    try {
      return JWKSet.parse(j.encode());
    } catch (ParseException e) {
      return null;
    }
  }

  public JsonObject metadata() {
    return objectClaim("metadata");
  }

  public JsonObject metadataPolicy() {
    return objectClaim("metadata_policy");
  }

  public JsonObject constraints() {
    return objectClaim("constraints");
  }

  private JsonObject objectClaim(String name) {
    return claims.getValue(name) instanceof JsonObject o ? o : new JsonObject();
  }

  public List<String> authorityHints() {
    return strings("authority_hints");
  }

  /** The string members of an array claim (an absent claim gives an empty list). */
  public List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    if (claims.getValue(name) instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /**
   * True when the signature verifies with the key in {@code keys} named by the header's {@code kid}.
   * A statement without {@code kid}, or whose key is not in {@code keys}, does not verify.
   */
  public boolean verifiesWith(JWKSet keys) {
    if (keys == null || kid() == null) {
      return false;
    }
    JWK jwk = keys.getKeyByKeyId(kid());
    if (!(jwk instanceof AsymmetricJWK asym)) {
      return false;
    }
    try {
      JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(signed.getHeader(), asym.toPublicKey());
      return signed.verify(verifier);
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  /** The JWK in {@code keys} that signed this statement (by kid), if any. */
  public JWK signingKeyIn(JWKSet keys) {
    return keys == null || kid() == null ? null : keys.getKeyByKeyId(kid());
  }
}
