package eu.panosc.pdp.mesh;

import java.util.List;
import java.util.Optional;

/** Where the forward-auth learns the resource servers and their route rules (the registry, or a fixed list in tests). */
public interface RouteSource {
  /** The services as last read, or empty while they are unknown (never read, or the source failed). */
  Optional<List<MeshService>> services();

  /** A fixed list. */
  static RouteSource of(List<MeshService> services) {
    List<MeshService> copy = List.copyOf(services);
    return () -> Optional.of(copy);
  }
}
