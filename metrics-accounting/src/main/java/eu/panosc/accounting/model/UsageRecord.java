package eu.panosc.accounting.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One usage record as ingested, already validated. Its idempotency key is {@code source} + {@code recordId}; a
 * {@code cumulative} record (APEL style) carries the total so far and replaces its predecessor when its {@code end}
 * is later. Optional dimensions are null when absent. {@code late} is set at ingest (see the late horizon).
 */
public record UsageRecord(String source, String recordId, String facility, String installation, String cluster,
    String session, String user, String proposal, String community, Metric metric, Instant start, Instant end,
    BigDecimal value, boolean cumulative, boolean late) {

  public UsageRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(installation, "installation");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(value, "value");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("end before start");
    }
    if (value.signum() < 0) {
      throw new IllegalArgumentException("negative value");
    }
  }

  /** The idempotency key, comparable so that every writer locks rows in the same order. */
  public Key key() {
    return new Key(source, recordId);
  }

  public UsageRecord withLate(boolean isLate) {
    return new UsageRecord(source, recordId, facility, installation, cluster, session, user, proposal, community,
        metric, start, end, value, cumulative, isLate);
  }

  /** {@code source} + {@code recordId}. */
  public record Key(String source, String recordId) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = source.compareTo(o.source);
      return c != 0 ? c : recordId.compareTo(o.recordId);
    }
  }
}
