package eu.panosc.aai.saml.metadata;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where an upstream's IdP metadata comes from (the registry's MDQ endpoint, a signed metadata URL, a file). A lookup
 * answers only verified, unexpired metadata; empty when the source does not know the entity; a failed future
 * ({@link MetadataRefusedException}) when the source cannot answer and has no usable earlier copy.
 */
public interface IdpMetadataSource {
  Future<Optional<IdpMetadata>> lookup(String entityId);

  /**
   * The IdPs this source holds right now and still valid at {@code now}, for the login page's discovery search (an
   * aggregate: all of it; MDQ: only the entities looked up before; never a fetch).
   */
  default List<IdpMetadata> known(Instant now) {
    return List.of();
  }
}
