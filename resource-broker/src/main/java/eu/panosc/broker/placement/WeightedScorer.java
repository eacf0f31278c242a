package eu.panosc.broker.placement;

import java.util.List;
import java.util.Objects;

/** A scorer with its weight in the placer's sum. */
public record WeightedScorer(Scorer scorer, double weight) {
  public WeightedScorer {
    Objects.requireNonNull(scorer, "scorer");
    if (!Double.isFinite(weight) || weight < 0) {
      throw new IllegalArgumentException("a scorer's weight must be a finite number >= 0");
    }
  }

  /**
   * The default chain: data locality first (1000), then free capacity (100), then facility before EOSC (50), then
   * the operator's preference (10). Locality outweighs everything else together, so a cluster that mounts the data
   * always wins over one that does not; an EOSC cloud wins over a facility only when it has much more room.
   */
  public static List<WeightedScorer> defaults() {
    return List.of(new WeightedScorer(Scorer.dataLocality(), 1000), new WeightedScorer(Scorer.freeCapacity(), 100),
        new WeightedScorer(Scorer.facilityFirst(), 50), new WeightedScorer(Scorer.preference(), 10));
  }
}
