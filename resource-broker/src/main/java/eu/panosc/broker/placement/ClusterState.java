package eu.panosc.broker.placement;

import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Resources;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster as placement sees it at one moment: healthy or not (with the reason), and what active sessions use.
 */
public record ClusterState(Cluster cluster, boolean healthy, Optional<String> unhealthyReason, Resources used) {
  public ClusterState {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(unhealthyReason, "unhealthyReason");
    Objects.requireNonNull(used, "used");
  }

  public static ClusterState healthy(Cluster cluster, Resources used) {
    return new ClusterState(cluster, true, Optional.empty(), used);
  }

  public Resources free() {
    return cluster.capacity().minus(used);
  }
}
