package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.model.Metric;

/**
 * How each of our metrics is defined at the EOSC Accounting Service (its {@code metric_name},
 * {@code metric_description}, {@code unit_type} and {@code metric_type}): quantities used over time are
 * {@code aggregated} (the service sums the records of a period), the number of sessions is a {@code count}.
 *
 * @see <a href="https://argoeu.github.io/argo-accounting/docs/">EOSC (ARGO) Accounting Service</a>
 */
public record MetricDefinition(Metric metric, String description, String unitType, String metricType) {
  public static final String AGGREGATED = "aggregated";
  public static final String COUNT = "count";

  public static MetricDefinition of(Metric m) {
    return switch (m) {
      case CPU_CORE_HOURS -> new MetricDefinition(m, "CPU cores allocated to analysis sessions and jobs, times hours",
          "core-hours", AGGREGATED);
      case GPU_HOURS -> new MetricDefinition(m, "GPUs allocated, times hours", "GPU-hours", AGGREGATED);
      case MEMORY_GIB_HOURS -> new MetricDefinition(m, "Memory allocated (GiB), times hours", "GiB-hours", AGGREGATED);
      case STORAGE_GIB_DAYS -> new MetricDefinition(m, "Storage allocated (GiB), times days", "GiB-days", AGGREGATED);
      case DATA_STAGED_GIB -> new MetricDefinition(m, "Data staged to the compute site", "GiB", AGGREGATED);
      case SESSIONS -> new MetricDefinition(m, "Analysis sessions started", "sessions", COUNT);
    };
  }

  /** The name, the same as ours. */
  public String name() {
    return metric.wire();
  }
}
