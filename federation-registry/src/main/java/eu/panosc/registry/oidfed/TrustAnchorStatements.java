package eu.panosc.registry.oidfed;

import eu.panosc.platform.keys.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * The statements the trust anchor issues: its own entity configuration and the subordinate statements
 * about its approved Immediate Subordinates.
 *
 * <p>A subordinate that does not host an entity configuration gets its registry metadata in the
 * subordinate statement's {@code metadata} claim; for one that hosts it, the leaf's own entity
 * configuration is authoritative and the trust anchor only adds {@code metadata_policy} and
 * {@code constraints}.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-3.1">OpenID Federation 1.0 §3.1, Entity Statement Claims</a>
 */
public final class TrustAnchorStatements {
  private final TrustAnchorSettings settings;
  private final EntityStatements signer;
  private final SigningKeys keys;
  private final Clock clock;

  public TrustAnchorStatements(TrustAnchorSettings settings, EntityStatements signer, SigningKeys keys,
      Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public TrustAnchorSettings settings() {
    return settings;
  }

  /**
   * The trust anchor's entity configuration: iss == sub, the published keys, {@code federation_entity}
   * metadata with its endpoints, and {@code trust_mark_issuers} naming itself for its trust mark types.
   */
  // OIDF 1.0 §9.2: a trust anchor's entity configuration MUST contain federation_entity metadata.
  public String entityConfiguration() {
    Collection<String> trustMarkTypes = settings.trustMarkTypes();
    Instant now = clock.instant();
    JsonObject federationEntity = settings.federationEntityMetadata().copy()
        .put("federation_fetch_endpoint", settings.url(TrustAnchorSettings.FETCH))
        .put("federation_list_endpoint", settings.url(TrustAnchorSettings.LIST))
        .put("federation_resolve_endpoint", settings.url(TrustAnchorSettings.RESOLVE))
        .put("federation_trust_mark_status_endpoint", settings.url(TrustAnchorSettings.TRUST_MARK_STATUS))
        .put("federation_trust_mark_list_endpoint", settings.url(TrustAnchorSettings.TRUST_MARK_LIST))
        .put("federation_trust_mark_endpoint", settings.url(TrustAnchorSettings.TRUST_MARK));
    JsonObject claims = base(settings.entityId(), now)
        .put("jwks", new JsonObject(keys.publishedKeys().toJSONObject(true)))
        .put("metadata", new JsonObject().put("federation_entity", federationEntity));
    if (!trustMarkTypes.isEmpty()) {
      JsonObject issuers = new JsonObject();
      trustMarkTypes.stream().sorted().forEach(t -> issuers.put(t, new JsonArray().add(settings.entityId())));
      claims.put("trust_mark_issuers", issuers);
    }
    return signer.entityStatement(claims);
  }

  /** The subordinate statement about {@code subordinate}. */
  public String subordinateStatement(Subordinate subordinate) {
    JsonObject claims = base(subordinate.entityId(), clock.instant())
        .put("jwks", new JsonObject(subordinate.jwks().toJSONObject(true)))
        .put("source_endpoint", settings.url(TrustAnchorSettings.FETCH));
    if (!subordinate.hostsEntityConfiguration() && !subordinate.metadata().isEmpty()) {
      claims.put("metadata", subordinate.metadata().copy());
    }
    if (!subordinate.metadataPolicy().isEmpty()) {
      claims.put("metadata_policy", subordinate.metadataPolicy().copy());
    }
    if (!subordinate.constraints().isEmpty()) {
      claims.put("constraints", subordinate.constraints().copy());
    }
    return signer.entityStatement(claims);
  }

  /** Convenience for the fetch endpoint: the statement, or not_found / invalid_request. */
  public Future<String> subordinateStatement(SubordinateSource source, String sub) {
    // OIDF 1.0 §8.1.2: invalid_request is RECOMMENDED when sub is the issuer itself.
    if (settings.entityId().equals(sub)) {
      return Future.failedFuture(FederationException.invalidRequest(
          "sub is the trust anchor itself; fetch its entity configuration instead."));
    }
    return source.approved(sub).map(found -> subordinateStatement(found.orElseThrow(
        // OIDF 1.0 §8.1.2: not_found is RECOMMENDED when there is no statement for sub.
        () -> FederationException.notFound("No approved subordinate " + sub + "."))));
  }

  private JsonObject base(String sub, Instant now) {
    return new JsonObject()
        .put("iss", settings.entityId())
        .put("sub", sub)
        .put("iat", now.getEpochSecond())
        .put("exp", now.plus(settings.statementLifetime()).getEpochSecond());
  }
}
