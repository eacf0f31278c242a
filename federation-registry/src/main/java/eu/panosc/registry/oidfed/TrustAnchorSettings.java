package eu.panosc.registry.oidfed;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The trust anchor's identity and statement lifetimes. Its Entity Identifier is the public URL of the
 * registry mount (e.g. {@code https://panosc.example/registry}); the federation endpoints live under it.
 *
 * @param entityId the trust anchor's Entity Identifier, without trailing slash
 * @param statementLifetime {@code exp - iat} of its entity configuration and subordinate statements
 * @param federationEntityMetadata extra {@code federation_entity} metadata (organization_name, contacts, ...)
 * @param trustMarkTypes the Trust Mark type identifiers the trust anchor issues (listed in {@code trust_mark_issuers})
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-5.1.1">OpenID Federation 1.0 §5.1.1, Federation Entity</a>
 */
public record TrustAnchorSettings(String entityId, Duration statementLifetime, JsonObject federationEntityMetadata,
    Set<String> trustMarkTypes) {
  public static final String FETCH = "/federation/fetch";
  public static final String LIST = "/federation/list";
  public static final String RESOLVE = "/federation/resolve";
  public static final String TRUST_MARK_STATUS = "/federation/trust_mark_status";
  public static final String TRUST_MARK_LIST = "/federation/trust_mark_list";
  public static final String TRUST_MARK = "/federation/trust_mark";
  public static final String WELL_KNOWN = "/.well-known/openid-federation";

  public TrustAnchorSettings {
    Objects.requireNonNull(entityId, "entityId");
    while (entityId.endsWith("/")) {
      entityId = entityId.substring(0, entityId.length() - 1);
    }
    Objects.requireNonNull(statementLifetime, "statementLifetime");
    federationEntityMetadata = federationEntityMetadata == null ? new JsonObject() : federationEntityMetadata.copy();
    trustMarkTypes = trustMarkTypes == null ? Set.of() : Set.copyOf(trustMarkTypes);
  }

  /** Settings with a one-day statement lifetime, no extra metadata and no trust mark types. */
  public static TrustAnchorSettings of(String entityId) {
    return new TrustAnchorSettings(entityId, Duration.ofDays(1), null, Set.of());
  }

  /** The absolute URL of an endpoint path under the entity id. */
  public String url(String path) {
    return entityId + path;
  }
}
