package eu.panosc.accounting.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One row of a report: the bucket it covers (null for a whole-period report), the group's dimension values (null
 * for "none given"), the metric, the summed value, the part of it from late records, whether any record in it was
 * late, and the exact distinct counts over the row's period (users, proposals).
 */
public record ReportRow(Instant bucket, Map<Dimension, String> group, Metric metric, BigDecimal value,
    BigDecimal lateValue, boolean late, long uniqueUsers, long uniqueProposals) {
  public ReportRow {
    EnumMap<Dimension, String> copy = new EnumMap<>(Dimension.class);
    copy.putAll(group);
    group = Collections.unmodifiableMap(copy);
  }

  /** A whole-period row. */
  public ReportRow(Map<Dimension, String> group, Metric metric, BigDecimal value, BigDecimal lateValue,
      boolean late, long uniqueUsers, long uniqueProposals) {
    this(null, group, metric, value, lateValue, late, uniqueUsers, uniqueProposals);
  }
}
