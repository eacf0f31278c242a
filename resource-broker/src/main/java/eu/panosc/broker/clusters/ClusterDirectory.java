package eu.panosc.broker.clusters;

import eu.panosc.broker.driver.Observation;
import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.model.Cluster;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The clusters sessions can run on now, each with its driver. Clusters from the configuration are fixed; clusters
 * from the federation-registry come and go ({@link #put}, {@link #remove}) while the broker runs. Thread-safe;
 * readers see a consistent cluster and driver per id.
 */
public final class ClusterDirectory {
  /** A cluster with the driver that runs its sessions, and where it came from. */
  public record Entry(Cluster cluster, SessionDriver driver, Source source) {
    public Entry {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(driver, "driver");
      Objects.requireNonNull(source, "source");
    }
  }

  /** Where a cluster was declared. */
  public enum Source { CONFIG, REGISTRY }

  private final Map<String, Entry> entries = new ConcurrentSkipListMap<>();

  /** A directory holding {@code clusters} from the configuration, each with its driver in {@code drivers}. */
  public static ClusterDirectory of(List<Cluster> clusters, Map<String, SessionDriver> drivers) {
    ClusterDirectory d = new ClusterDirectory();
    for (Cluster c : clusters) {
      SessionDriver driver = drivers.get(c.id());
      if (driver == null) {
        throw new IllegalArgumentException("no driver for cluster " + c.id());
      }
      d.entries.put(c.id(), new Entry(c, driver, Source.CONFIG));
    }
    return d;
  }

  /** Every cluster, ordered by id. */
  public List<Cluster> clusters() {
    List<Cluster> out = new ArrayList<>();
    entries.values().forEach(e -> out.add(e.cluster()));
    return out;
  }

  public Optional<Entry> entry(String id) {
    return Optional.ofNullable(entries.get(id));
  }

  public Optional<Cluster> cluster(String id) {
    return entry(id).map(Entry::cluster);
  }

  /**
   * The driver of cluster {@code id}; for a cluster no longer in the directory (withdrawn from the registry) a
   * driver whose every operation fails naming that, so the session's truth stays unknown rather than wrong.
   */
  public SessionDriver driver(String id) {
    Entry e = entries.get(id);
    return e != null ? e.driver() : new Withdrawn(id);
  }

  /**
   * Adds or replaces a registry cluster; answers the driver it replaced (for the caller to close), if any. A
   * configured cluster of the same id is kept: the configuration wins.
   */
  public synchronized Optional<SessionDriver> put(Cluster cluster, SessionDriver driver) {
    Entry old = entries.get(cluster.id());
    if (old != null && old.source() == Source.CONFIG) {
      throw new IllegalStateException("cluster " + cluster.id() + " is configured (services.broker.clusters); the "
          + "configuration wins over the federation-registry");
    }
    entries.put(cluster.id(), new Entry(cluster, driver, Source.REGISTRY));
    return old == null || old.driver() == driver ? Optional.empty() : Optional.of(old.driver());
  }

  /** Removes a registry cluster; answers its driver (for the caller to close). Configured clusters stay. */
  public synchronized Optional<SessionDriver> remove(String id) {
    Entry old = entries.get(id);
    if (old == null || old.source() == Source.CONFIG) {
      return Optional.empty();
    }
    entries.remove(id);
    return Optional.of(old.driver());
  }

  /** Ids of the clusters that came from {@code source}. */
  public Set<String> ids(Source source) {
    Set<String> out = new java.util.TreeSet<>();
    entries.forEach((id, e) -> {
      if (e.source() == source) {
        out.add(id);
      }
    });
    return out;
  }

  /** Every driver (for closing at shutdown). */
  public List<SessionDriver> drivers() {
    List<SessionDriver> out = new ArrayList<>();
    entries.values().forEach(e -> out.add(e.driver()));
    return out;
  }

  private record Withdrawn(String id) implements SessionDriver {
    private <T> Future<T> refuse() {
      return Future.failedFuture(new IllegalStateException("cluster " + id
          + " is no longer registered (withdrawn from the federation-registry or the configuration)"));
    }

    @Override
    public Future<Void> start(LaunchSpec spec) {
      return refuse();
    }

    @Override
    public Future<Observation> observe(String sessionId) {
      return refuse();
    }

    @Override
    public Future<Void> stop(String sessionId) {
      return refuse();
    }

    @Override
    public Future<Set<String>> sessions() {
      return refuse();
    }

    @Override
    public Future<Void> probe() {
      return refuse();
    }
  }
}
