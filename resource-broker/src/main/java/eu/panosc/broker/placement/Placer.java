package eu.panosc.broker.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Chooses a cluster for a session, as Kubernetes schedules pods: filter (healthy, free capacity for the flavour
 * including GPUs, image available there) → score (weighted {@link Scorer}s) → the highest total wins; equal totals
 * go to the smallest cluster id, so the same input always gives the same answer. Pure: no I/O, thread-safe.
 */
public final class Placer {
  private final List<WeightedScorer> scorers;

  public Placer(List<WeightedScorer> scorers) {
    this.scorers = List.copyOf(Objects.requireNonNull(scorers, "scorers"));
  }

  public static Placer standard() {
    return new Placer(WeightedScorer.defaults());
  }

  public Placement place(PlacementRequest request, List<ClusterState> clusters) {
    List<String> excluded = new ArrayList<>();
    ClusterState best = null;
    double bestScore = 0;
    double[] bestParts = null;
    ClusterState second = null;
    double secondScore = 0;
    for (ClusterState c : clusters) {
      String why = exclusion(request, c);
      if (why != null) {
        excluded.add(c.cluster().id() + " (" + why + ")");
        continue;
      }
      double[] parts = new double[scorers.size()];
      double total = 0;
      for (int i = 0; i < parts.length; i++) {
        parts[i] = scorers.get(i).scorer().score(request, c);
        total += parts[i] * scorers.get(i).weight();
      }
      if (best == null || total > bestScore
          || (total == bestScore && c.cluster().id().compareTo(best.cluster().id()) < 0)) {
        second = best;
        secondScore = bestScore;
        best = c;
        bestScore = total;
        bestParts = parts;
      } else if (second == null || total > secondScore
          || (total == secondScore && c.cluster().id().compareTo(second.cluster().id()) < 0)) {
        second = c;
        secondScore = total;
      }
    }
    excluded.sort(null);
    if (best == null) {
      return new Placement(java.util.Optional.empty(), "no cluster can run it: "
          + (excluded.isEmpty() ? "no clusters are configured" : String.join("; ", excluded)));
    }
    StringBuilder reason = new StringBuilder(best.cluster().id()).append(" scored ").append(fmt(bestScore))
        .append(" (");
    for (int i = 0; i < scorers.size(); i++) {
      reason.append(i == 0 ? "" : ", ").append(scorers.get(i).scorer().name()).append(' ').append(fmt(bestParts[i]));
    }
    reason.append(')');
    if (!request.storageSites().isEmpty()) {
      List<String> mounted = request.storageSites().stream().filter(best.cluster().sites()::contains).sorted().toList();
      reason.append(mounted.isEmpty() ? "; mounts none of the data's storage sites"
          : "; mounts " + String.join(", ", mounted));
    }
    if (second != null) {
      reason.append("; next ").append(second.cluster().id()).append(' ').append(fmt(secondScore))
          .append(secondScore == bestScore ? " (tie, broken by cluster id)" : "");
    }
    if (!excluded.isEmpty()) {
      reason.append("; excluded ").append(String.join(", ", excluded));
    }
    return new Placement(java.util.Optional.of(best.cluster().id()), reason.toString());
  }

  /** Why {@code c} cannot run {@code r}, or null. */
  static String exclusion(PlacementRequest r, ClusterState c) {
    if (!c.healthy()) {
      return "unhealthy: " + c.unhealthyReason().orElse("not answering");
    }
    if (!r.image().availableOn(c.cluster().id())) {
      return "image " + r.image().id() + " not available";
    }
    var free = c.free();
    var need = r.flavour().resources();
    if (need.gpu() > free.gpu()) {
      return "needs " + need.gpu() + " GPU, " + free.gpu() + " free";
    }
    if (need.cpu() > free.cpu()) {
      return "needs " + need.cpu() + " CPU, " + free.cpu() + " free";
    }
    if (need.memoryMi() > free.memoryMi()) {
      return "needs " + need.memoryMi() + " MiB, " + free.memoryMi() + " free";
    }
    return null;
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }
}
