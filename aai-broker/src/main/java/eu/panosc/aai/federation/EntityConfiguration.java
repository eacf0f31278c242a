package eu.panosc.aai.federation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import eu.panosc.platform.keys.SigningKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The aai-broker's OpenID Federation Entity Configuration: a self-signed entity statement ({@code iss} = {@code sub}
 * = the issuer, its Entity Identifier) carrying its Federation Entity Keys in {@code jwks} (not the token signing
 * keys, which stay at {@code jwks_uri}), {@code authority_hints} naming the trust anchor, and metadata of the entity
 * types {@code openid_provider} (the discovery document plus {@code client_registration_types_supported}) and
 * {@code federation_entity}. A signed statement is reused for a minute while the signing key stays the same, so the
 * public endpoint does not sign on every request.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-3">OpenID Federation 1.0 §3, Entity Statement</a>
 */
public final class EntityConfiguration {
  /** The JWT {@code typ} of entity statements (OIDF 1.0 §3). */
  public static final String TYP = "entity-statement+jwt";
  /** The media type the well-known endpoint answers with (OIDF 1.0 §9.2). */
  public static final String MEDIA_TYPE = "application/entity-statement+jwt";
  /** How long one signed statement is served again. */
  static final Duration REUSE = Duration.ofMinutes(1);

  private final String entityId;
  private final List<String> authorityHints;
  private final Supplier<JsonObject> providerMetadata;
  private final JsonObject federationEntity;
  private final SigningKeys keys;
  private final Clock clock;
  private final Duration lifetime;
  private volatile Signed last;

  private record Signed(String jwt, String kid, Instant at) {}

  private final Optional<JsonObject> relyingParty;

  /**
   * @param entityId the broker's Entity Identifier (its issuer)
   * @param trustAnchor the superior named in {@code authority_hints}
   * @param providerMetadata the discovery document, read at each signing
   * @param federationEntity the {@code federation_entity} metadata (e.g. {@code organization_name})
   * @param keys the Federation Entity Keys: the current one signs, the published ones go into {@code jwks}
   * @param lifetime {@code exp} - {@code iat}
   */
  public EntityConfiguration(String entityId, String trustAnchor, Supplier<JsonObject> providerMetadata,
      JsonObject federationEntity, SigningKeys keys, Clock clock, Duration lifetime) {
    this(entityId, trustAnchor, providerMetadata, federationEntity, Optional.empty(), keys, clock, lifetime);
  }

  /**
   * As above, with {@code openid_relying_party} metadata when the broker registers itself automatically at upstream OPs
   * (OIDF 1.0 §12.1: it signs in there with its Entity Identifier as {@code client_id}).
   */
  public EntityConfiguration(String entityId, String trustAnchor, Supplier<JsonObject> providerMetadata,
      JsonObject federationEntity, Optional<JsonObject> relyingParty, SigningKeys keys, Clock clock,
      Duration lifetime) {
    this.relyingParty = Objects.requireNonNull(relyingParty, "relyingParty").map(JsonObject::copy);
    this.entityId = Objects.requireNonNull(entityId, "entityId");
    this.authorityHints = List.of(Objects.requireNonNull(trustAnchor, "trustAnchor"));
    this.providerMetadata = Objects.requireNonNull(providerMetadata, "providerMetadata");
    this.federationEntity = Objects.requireNonNull(federationEntity, "federationEntity").copy();
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.compareTo(REUSE) <= 0) {
      throw new IllegalArgumentException("The statement lifetime must exceed " + REUSE + ": " + lifetime);
    }
  }

  /** The signed entity configuration (compact JWS). */
  public String signed() {
    Instant now = clock.instant();
    JWK key = keys.signingKey();
    Signed cached = last;
    if (cached != null && cached.kid().equals(key.getKeyID()) && !now.isBefore(cached.at())
        && now.isBefore(cached.at().plus(REUSE))) {
      return cached.jwt();
    }
    String jwt = sign(key, claims(now));
    last = new Signed(jwt, key.getKeyID(), now);
    return jwt;
  }

  /** The claims at {@code now}. */
  JsonObject claims(Instant now) {
    JsonObject provider = providerMetadata.get().copy()
        // OIDF 1.0 §5.1.3 (OpenID Connect OP metadata): REQUIRED. Clients are registered out of band in the
        // federation-registry; neither automatic nor explicit registration is offered, hence the empty array.
        .put("client_registration_types_supported", new JsonArray());
    JsonObject metadata = new JsonObject()
        .put("openid_provider", provider)
        .put("federation_entity", federationEntity.copy());
    relyingParty.ifPresent(rp -> metadata.put("openid_relying_party", rp.copy()));
    return new JsonObject()
        .put("iss", entityId)
        .put("sub", entityId)
        .put("iat", now.getEpochSecond())
        .put("exp", now.plus(lifetime).getEpochSecond())
        .put("jwks", new JsonObject(keys.publishedKeys().toJSONObject(true)))
        .put("authority_hints", new JsonArray(authorityHints))
        .put("metadata", metadata);
  }

  private static String sign(JWK key, JsonObject claims) {
    if (!(key instanceof ECKey ec) || !ec.isPrivate()) {
      throw new IllegalStateException("The federation signing key must be a private EC key.");
    }
    try {
      // OIDF 1.0 §3.2.1: entity statements are explicitly typed entity-statement+jwt; kid names the key.
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(TYP))
          .keyID(key.getKeyID()).build();
      SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(claims.encode()));
      jwt.sign(new ECDSASigner(ec));
      return jwt.serialize();
    } catch (JOSEException | ParseException e) {
      throw new IllegalStateException("Cannot sign the entity configuration: " + e.getMessage(), e);
    }
  }
}
