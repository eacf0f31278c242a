package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** The trust anchor's approved Immediate Subordinates; entities not (yet) approved are never returned. */
public interface SubordinateSource {
  /** Every approved subordinate. */
  Future<List<Subordinate>> approved();

  /** The approved subordinate with this Entity Identifier, or empty. */
  Future<Optional<Subordinate>> approved(String entityId);
}
