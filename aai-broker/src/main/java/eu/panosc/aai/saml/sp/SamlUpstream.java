package eu.panosc.aai.saml.sp;

import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.aai.saml.metadata.IdpMetadataSource;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured SAML upstream ({@code services.aai.upstreams.<id>}): where its IdP metadata comes from, the one IdP
 * the login page offers for it ({@code entityId}; empty: any IdP its source knows, reached through the discovery box,
 * as for an eduGAIN aggregate or MDQ), the name to show when the metadata has none, and how its attributes become an
 * identity (its own {@link AttributeMapper}, with its own user-id choice).
 */
public record SamlUpstream(String upstreamId, Optional<String> entityId, Optional<String> displayName,
    IdpMetadataSource metadata, AttributeMapper mapper) {
  public SamlUpstream {
    Objects.requireNonNull(upstreamId, "upstreamId");
    Objects.requireNonNull(entityId, "entityId");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(mapper, "mapper");
  }

  /** Whether the login page offers this upstream's one IdP directly (else it is reached through discovery). */
  public boolean listed() {
    return entityId.isPresent();
  }
}
