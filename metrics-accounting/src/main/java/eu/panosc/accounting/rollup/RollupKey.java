package eu.panosc.accounting.rollup;

import eu.panosc.accounting.model.Granularity;
import java.time.Instant;
import java.util.Comparator;

/** One rollup row's key; absent dimensions are {@code ""}. Ordered so that every writer locks rows in one order. */
public record RollupKey(Granularity granularity, Instant bucket, String facility, String installation,
    String proposal, String community, String metric) implements Comparable<RollupKey> {
  private static final Comparator<RollupKey> ORDER = Comparator.comparing(RollupKey::granularity)
      .thenComparing(RollupKey::bucket).thenComparing(RollupKey::facility).thenComparing(RollupKey::installation)
      .thenComparing(RollupKey::proposal).thenComparing(RollupKey::community).thenComparing(RollupKey::metric);

  @Override
  public int compareTo(RollupKey o) {
    return ORDER.compare(this, o);
  }
}
