package eu.panosc.registry.oidfed;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An approved Immediate Subordinate of the trust anchor, as the registry holds it on file.
 *
 * @param entityId the subordinate's Entity Identifier (a URL)
 * @param entityTypes its Entity Type Identifiers, e.g. {@code openid_relying_party}, {@code federation_entity}
 * @param jwks its public Federation Entity Keys, published in the subordinate statement
 * @param metadata the metadata on file, {@code {entityType: {...}}}; used when it hosts no entity configuration
 * @param metadataPolicy the trust anchor's {@code metadata_policy} for it (may be empty)
 * @param constraints the trust anchor's {@code constraints} for it (may be empty)
 * @param intermediate true when it is an Intermediate Entity
 * @param hostsEntityConfiguration true when it publishes {@code <entityId>/.well-known/openid-federation}
 * @param trustMarks the Trust Mark type identifiers of the currently valid Trust Marks issued to it
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-3.1.2">OpenID Federation 1.0, Subordinate Statements</a>
 */
public record Subordinate(
    String entityId,
    Set<String> entityTypes,
    JWKSet jwks,
    JsonObject metadata,
    JsonObject metadataPolicy,
    JsonObject constraints,
    boolean intermediate,
    boolean hostsEntityConfiguration,
    List<String> trustMarks) {

  public Subordinate {
    Objects.requireNonNull(entityId, "entityId");
    entityTypes = Set.copyOf(Objects.requireNonNull(entityTypes, "entityTypes"));
    Objects.requireNonNull(jwks, "jwks");
    metadata = metadata == null ? new JsonObject() : metadata.copy();
    metadataPolicy = metadataPolicy == null ? new JsonObject() : metadataPolicy.copy();
    constraints = constraints == null ? new JsonObject() : constraints.copy();
    trustMarks = trustMarks == null ? List.of() : List.copyOf(trustMarks);
    if (jwks.getKeys().stream().anyMatch(k -> k.isPrivate())) {
      throw new IllegalArgumentException("A subordinate's jwks must hold public keys only: " + entityId);
    }
  }
}
