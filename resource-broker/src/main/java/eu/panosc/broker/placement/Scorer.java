package eu.panosc.broker.placement;

/**
 * One criterion of placement, pluggable: a score from 0 (worst) to 1 (best) of a cluster that passed the filters.
 * The placer sums the scores times their weights.
 */
public interface Scorer {
  /** A short name, shown in placement reasons. */
  String name();

  /** The score, 0 to 1, of placing {@code request} on {@code cluster}. */
  double score(PlacementRequest request, ClusterState cluster);

  /**
   * Data locality: the share of the datasets' storage sites the cluster can mount (1 when no data is requested, so
   * data-less sessions are not pushed anywhere).
   */
  static Scorer dataLocality() {
    return new Scorer() {
      @Override
      public String name() {
        return "locality";
      }

      @Override
      public double score(PlacementRequest r, ClusterState c) {
        if (r.storageSites().isEmpty()) {
          return 1;
        }
        long mounted = r.storageSites().stream().filter(c.cluster().sites()::contains).count();
        return (double) mounted / r.storageSites().size();
      }
    };
  }

  /**
   * Free capacity after placing, relative to the cluster's size: the mean over the dimensions the cluster has (GPUs
   * only when the flavour asks for GPUs, so CPU-only sessions do not crowd GPU clusters by accident of sizing).
   */
  static Scorer freeCapacity() {
    return new Scorer() {
      @Override
      public String name() {
        return "free";
      }

      @Override
      public double score(PlacementRequest r, ClusterState c) {
        var cap = c.cluster().capacity();
        var after = c.free().minus(r.flavour().resources());
        double sum = share(after.cpu(), cap.cpu()) + share(after.memoryMi(), cap.memoryMi());
        int n = 2;
        if (r.flavour().resources().gpu() > 0) {
          sum += share(after.gpu(), cap.gpu());
          n++;
        }
        return sum / n;
      }

      private static double share(long free, long capacity) {
        return capacity <= 0 ? 0 : Math.min(1, (double) free / capacity);
      }
    };
  }

  /** The operator's preference of the cluster, 0 to 100, as 0 to 1. */
  static Scorer preference() {
    return new Scorer() {
      @Override
      public String name() {
        return "preference";
      }

      @Override
      public double score(PlacementRequest r, ClusterState c) {
        return Math.max(0, Math.min(100, c.cluster().preference())) / 100.0;
      }
    };
  }

  /** EOSC as the fallback: 1 for a facility's cluster, 0 for an EOSC cloud. */
  static Scorer facilityFirst() {
    return new Scorer() {
      @Override
      public String name() {
        return "facility";
      }

      @Override
      public double score(PlacementRequest r, ClusterState c) {
        return c.cluster().eosc() ? 0 : 1;
      }
    };
  }
}
