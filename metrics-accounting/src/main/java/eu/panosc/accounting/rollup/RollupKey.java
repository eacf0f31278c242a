package eu.panosc.accounting.rollup;

import eu.panosc.accounting.model.Granularity;
import java.time.Instant;

/** One rollup row's key; absent dimensions are {@code ""}. Ordered so that every writer locks rows in one order. */
public record RollupKey(Granularity granularity, Instant bucket, String facility, String installation,
    String proposal, String community, String metric) implements Comparable<RollupKey> {
  /** By granularity, bucket, facility, installation, proposal, community, metric; by hand (hot in the roll-up). */
  @Override
  public int compareTo(RollupKey o) {
    int c = granularity.compareTo(o.granularity);
    if (c == 0) {
      c = bucket.compareTo(o.bucket);
    }
    if (c == 0) {
      c = facility.compareTo(o.facility);
    }
    if (c == 0) {
      c = installation.compareTo(o.installation);
    }
    if (c == 0) {
      c = proposal.compareTo(o.proposal);
    }
    if (c == 0) {
      c = community.compareTo(o.community);
    }
    return c != 0 ? c : metric.compareTo(o.metric);
  }
}
