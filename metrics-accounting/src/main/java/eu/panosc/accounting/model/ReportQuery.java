package eu.panosc.accounting.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A report over {@code [from, to)} read from the {@code granularity} rollups (both bounds are boundaries of it),
 * grouped by {@code groupBy} and always by metric, restricted to {@code metrics} (all when empty).
 */
public record ReportQuery(Instant from, Instant to, Granularity granularity, List<Dimension> groupBy,
    List<Metric> metrics) {
  public ReportQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(granularity, "granularity");
    groupBy = List.copyOf(groupBy);
    metrics = List.copyOf(metrics);
    if (!from.isBefore(to) || !granularity.aligned(from) || !granularity.aligned(to)) {
      throw new IllegalArgumentException("the range must be non-empty and aligned to " + granularity.wire());
    }
  }
}
