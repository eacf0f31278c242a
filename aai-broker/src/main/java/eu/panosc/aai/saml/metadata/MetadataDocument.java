package eu.panosc.aai.saml.metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One verified metadata document, its IdPs indexed by entity id (a lookup is one hash-map read, whatever the size of
 * the aggregate), the root's {@code validUntil} and {@code cacheDuration}, and the IdP entity ids listed more than
 * once (left out of the index).
 */
record MetadataDocument(Map<String, IdpMetadata> byEntityId, Instant validUntil, Optional<Duration> cacheDuration,
    Set<String> duplicates) {
  MetadataDocument {
    byEntityId = Map.copyOf(byEntityId);
    duplicates = Set.copyOf(duplicates);
    Objects.requireNonNull(validUntil, "validUntil");
    Objects.requireNonNull(cacheDuration, "cacheDuration");
  }

  /** The IdPs of this document still valid at {@code now}. */
  java.util.List<IdpMetadata> valid(Instant now) {
    return byEntityId.values().stream().filter(m -> m.validAt(now)).toList();
  }

  /** The IdP {@code entityId} if it is in this document and still valid at {@code now}. */
  Optional<IdpMetadata> find(String entityId, Instant now) {
    IdpMetadata m = byEntityId.get(entityId);
    return m != null && m.validAt(now) ? Optional.of(m) : Optional.empty();
  }
}
