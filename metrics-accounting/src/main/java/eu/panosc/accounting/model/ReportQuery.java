package eu.panosc.accounting.model;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A report over {@code [from, to)} read from the {@code granularity} rollups (both bounds are boundaries of it),
 * grouped by {@code groupBy} and always by metric, restricted to {@code metrics} (all when empty) and to the
 * dimension values in {@code filters} (a row matches when its value is one of the listed ones; no entry: any).
 * With {@code timeSeries} the rows are also per bucket of {@code granularity} (one row per bucket).
 */
public record ReportQuery(Instant from, Instant to, Granularity granularity, List<Dimension> groupBy,
    List<Metric> metrics, Map<Dimension, List<String>> filters, boolean timeSeries) {
  public ReportQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(granularity, "granularity");
    groupBy = List.copyOf(groupBy);
    metrics = List.copyOf(metrics);
    EnumMap<Dimension, List<String>> f = new EnumMap<>(Dimension.class);
    filters.forEach((d, values) -> {
      if (!values.isEmpty()) {
        f.put(d, List.copyOf(values));
      }
    });
    filters = java.util.Collections.unmodifiableMap(f);
    if (!from.isBefore(to) || !granularity.aligned(from) || !granularity.aligned(to)) {
      throw new IllegalArgumentException("the range must be non-empty and aligned to " + granularity.wire());
    }
  }

  /** A whole-period report without filters. */
  public ReportQuery(Instant from, Instant to, Granularity granularity, List<Dimension> groupBy, List<Metric> metrics) {
    this(from, to, granularity, groupBy, metrics, Map.of(), false);
  }

  /** The same period and filters, grouped by {@code by} and restricted to {@code only}, over the whole period. */
  public ReportQuery regrouped(List<Dimension> by, List<Metric> only) {
    return new ReportQuery(from, to, granularity, by, only, filters, false);
  }
}
