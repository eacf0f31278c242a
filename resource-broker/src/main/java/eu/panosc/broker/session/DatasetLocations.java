package eu.panosc.broker.session;

import java.util.Map;
import java.util.Optional;

/**
 * Where datasets lie: their storage site and path there. Read from configuration
 * ({@code services.broker.datasets}) and, in demo mode, the demo federation, until the catalogue tells.
 */
public record DatasetLocations(Map<String, Location> byPid) {
  /** A dataset's storage site, its path on that site and its size in bytes (0: unknown). */
  public record Location(String site, String path, long sizeBytes) {
    public Location(String site, String path) {
      this(site, path, 0);
    }
  }

  public DatasetLocations {
    byPid = Map.copyOf(byPid);
  }

  public Optional<Location> locate(String pid) {
    return Optional.ofNullable(byPid.get(pid));
  }
}
