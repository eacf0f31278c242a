package eu.panosc.aai.federation.trust;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A made-up federation for tests (no real federation runs here): entities with EC keys, their entity configurations
 * and their superiors' statements about them, served from memory ({@link #fetcher}) or by an in-test HTTP server.
 */
public final class Federation {
  /** One entity: its id and Federation Entity Key. */
  public record Entity(String id, ECKey key) {
    public JWKSet publicJwks() {
      return new JWKSet(key.toPublicJWK());
    }
  }

  /** Entity configurations by entity id. */
  public final Map<String, String> configurations = new ConcurrentHashMap<>();
  /** Subordinate statements by "issuer|subject". */
  public final Map<String, String> statements = new ConcurrentHashMap<>();
  public final AtomicInteger fetches = new AtomicInteger();

  public static Entity entity(String id) {
    try {
      return new Entity(id, new ECKeyGenerator(Curve.P_256).keyID(id.replaceAll("[^a-z0-9]", "") + "-k1")
          .generate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A signed statement by {@code signer} with these claims; {@code exp} {@code lifetime} seconds from {@code now}. */
  public static String sign(ECKey signer, JsonObject claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID())
          .type(EntityStatement.TYPE).build(), JWTClaimsSet.parse(claims.encode()));
      jwt.sign(new ECDSASigner(signer));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims of a statement by {@code iss} about {@code sub} valid from now for {@code seconds}. */
  public static JsonObject claims(String iss, String sub, JWKSet subjectKeys, long seconds) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("iss", iss).put("sub", sub).put("iat", now).put("exp", now + seconds)
        .put("jwks", new JsonObject(subjectKeys.toJSONObject()));
  }

  /** Publishes {@code e}'s entity configuration with these superiors and metadata. */
  public void configuration(Entity e, List<String> hints, JsonObject metadata, long seconds) {
    JsonObject c = claims(e.id(), e.id(), e.publicJwks(), seconds).put("metadata", metadata);
    if (!hints.isEmpty()) {
      c.put("authority_hints", new JsonArray(List.copyOf(hints)));
    }
    configurations.put(e.id(), sign(e.key(), c));
  }

  /** Publishes a superior's statement about {@code sub} (its keys {@code subKeys}), with a metadata policy. */
  public void statement(Entity superior, String sub, JWKSet subKeys, JsonObject policy, long seconds) {
    JsonObject c = claims(superior.id(), sub, subKeys, seconds);
    if (policy != null) {
      c.put("metadata_policy", policy);
    }
    statements.put(superior.id() + "|" + sub, sign(superior.key(), c));
  }

  /** The {@code federation_entity} metadata of a superior whose fetch endpoint is {@code <id>/fetch}. */
  public static JsonObject superiorMetadata(String id) {
    return new JsonObject().put("federation_entity", new JsonObject().put("federation_fetch_endpoint", id + "/fetch"));
  }

  /** Statements served from memory; an unknown one fails as a 404 would. */
  public StatementFetcher fetcher() {
    return new StatementFetcher() {
      @Override
      public Future<String> entityConfiguration(String entityId) {
        fetches.incrementAndGet();
        String s = configurations.get(entityId);
        return s == null ? Future.failedFuture(new TrustChainException(TrustChainException.Reason.FETCH,
            entityId + " answered 404")) : Future.succeededFuture(s);
      }

      @Override
      public Future<String> subordinateStatement(String fetchEndpoint, String sub) {
        fetches.incrementAndGet();
        String issuer = fetchEndpoint.replaceAll("/fetch$", "");
        String s = statements.get(issuer + "|" + sub);
        return s == null ? Future.failedFuture(new TrustChainException(TrustChainException.Reason.FETCH,
            fetchEndpoint + " answered 404")) : Future.succeededFuture(s);
      }
    };
  }
}
