package eu.panosc.accounting.report;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.Metric;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * The business-model figures of a report period (with its filters): the exact counts of {@link BusinessMetrics},
 * core-hours per community, and each facility's share of each metric's total (percent, adding up to 100).
 */
public record ReportSummary(BusinessMetrics business, List<CommunityValue> cpuCoreHoursByCommunity,
    List<FacilityShare> facilityShares) {
  public ReportSummary {
    Objects.requireNonNull(business, "business");
    cpuCoreHoursByCommunity = List.copyOf(cpuCoreHoursByCommunity);
    facilityShares = List.copyOf(facilityShares);
  }

  /** A community's core-hours ({@code community} null: records without one). */
  public record CommunityValue(String community, BigDecimal value) {}

  /** A facility's summed value of a metric and its percentage of that metric's total. */
  public record FacilityShare(String facility, Metric metric, BigDecimal value, BigDecimal percent) {}
}
