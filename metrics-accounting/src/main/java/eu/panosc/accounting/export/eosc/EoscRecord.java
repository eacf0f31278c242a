package eu.panosc.accounting.export.eosc;

import eu.panosc.accounting.model.Metric;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One record in the EOSC Accounting Service's shape ({@code metric_definition_id}, {@code time_period_start},
 * {@code time_period_end}, {@code value}, {@code group_id}) with where it comes from (our facility, installation and
 * metric). The service's ids are null where the configuration names none (such a record is shown, never pushed).
 * {@code groupId} is the proposal the usage was charged to (null when none); no {@code user_id} is sent: the rollups
 * keep no per-user values, and per-person usage is not ours to hand to a third party.
 */
public record EoscRecord(String facility, String installation, Metric metric, String installationId,
    String metricDefinitionId, Instant periodStart, Instant periodEnd, BigDecimal value, String groupId) {
  public EoscRecord {
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(installation, "installation");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(periodStart, "periodStart");
    Objects.requireNonNull(periodEnd, "periodEnd");
    Objects.requireNonNull(value, "value");
  }

  /** Whether the push can send it (both of the service's ids are configured). */
  public boolean mapped() {
    return installationId != null && metricDefinitionId != null;
  }
}
