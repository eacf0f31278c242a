package eu.panosc.accounting.export;

import eu.panosc.accounting.model.Metric;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** The summed, pro-rated value of one rollup bucket for one facility, installation, proposal (or null) and metric. */
public record BucketUsage(Instant bucket, String facility, String installation, String proposal, Metric metric,
    BigDecimal value) {
  public BucketUsage {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(installation, "installation");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(value, "value");
  }
}
