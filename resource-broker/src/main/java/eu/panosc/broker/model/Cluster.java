package eu.panosc.broker.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A place where sessions run: a facility's (or an EOSC cloud's) Kubernetes cluster, or this machine (the local
 * process driver). For now read from configuration ({@code services.broker.clusters}); later from the
 * federation-registry.
 *
 * @param facility the facility operating it; empty for an EOSC cloud
 * @param capacity what sessions may use in total
 * @param storageSites the storage sites it can mount read-only, with the volume that holds each
 * @param preference 0 to 100: the operator's preference among otherwise equal clusters
 * @param kubernetes how to reach it, for kind {@code kubernetes}
 */
public record Cluster(String id, Kind kind, Optional<String> facility, Resources capacity,
    Map<String, StorageMount> storageSites, Map<String, String> labels, int preference,
    Optional<KubernetesTarget> kubernetes) {
  /** Which driver runs the cluster's sessions. */
  public enum Kind { KUBERNETES, LOCAL }

  /**
   * How a storage site is mounted into a session's pod: a PersistentVolumeClaim holding the site's tree, mounted
   * read-only at the dataset's path relative to {@code root}.
   */
  public record StorageMount(String claim, String root) {
    public StorageMount {
      Objects.requireNonNull(claim, "claim");
      Objects.requireNonNull(root, "root");
    }
  }

  /** The Kubernetes API server and namespace of a cluster; the credentials are a token file or none. */
  public record KubernetesTarget(String apiUrl, String namespace, Optional<String> tokenFile, boolean trustCerts) {
    public KubernetesTarget {
      Objects.requireNonNull(apiUrl, "apiUrl");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(tokenFile, "tokenFile");
    }
  }

  public Cluster {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(capacity, "capacity");
    storageSites = Map.copyOf(storageSites);
    labels = Map.copyOf(labels);
    Objects.requireNonNull(kubernetes, "kubernetes");
  }

  /** An EOSC cloud: no facility of its own, or labelled {@code eosc: "true"}. */
  public boolean eosc() {
    return facility.isEmpty() || "true".equals(labels.get("eosc"));
  }

  public Set<String> sites() {
    return storageSites.keySet();
  }
}
