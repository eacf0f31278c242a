package eu.panosc.aai.saml.metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One verified metadata document, its IdPs indexed by entity id (a lookup is one hash-map read, whatever the size of
 * the aggregate), and the root's {@code validUntil} and {@code cacheDuration}.
 */
record MetadataDocument(Map<String, IdpMetadata> byEntityId, Instant validUntil, Optional<Duration> cacheDuration) {
  MetadataDocument {
    byEntityId = Map.copyOf(byEntityId);
    Objects.requireNonNull(validUntil, "validUntil");
    Objects.requireNonNull(cacheDuration, "cacheDuration");
  }

  /** The IdP {@code entityId} if it is in this document and still valid at {@code now}. */
  Optional<IdpMetadata> find(String entityId, Instant now) {
    IdpMetadata m = byEntityId.get(entityId);
    return m != null && m.validAt(now) ? Optional.of(m) : Optional.empty();
  }
}
