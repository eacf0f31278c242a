package eu.panosc.accounting.model;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One row of a report: the group's dimension values (null for "none given"), the metric, the summed value,
 * the part of it from late records, whether any record in it was late, and the exact distinct counts over
 * the whole period (users, proposals).
 */
public record ReportRow(Map<Dimension, String> group, Metric metric, BigDecimal value, BigDecimal lateValue,
    boolean late, long uniqueUsers, long uniqueProposals) {
  public ReportRow {
    group = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(group.isEmpty()
        ? new java.util.EnumMap<Dimension, String>(Dimension.class) : group));
  }
}
