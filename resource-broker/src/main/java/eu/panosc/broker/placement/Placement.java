package eu.panosc.broker.placement;

import java.util.Objects;
import java.util.Optional;

/** The outcome of placement: the chosen cluster (empty when none fits) and the reason, recorded on the session. */
public record Placement(Optional<String> cluster, String reason) {
  public Placement {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(reason, "reason");
  }
}
