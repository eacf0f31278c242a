package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccountingStore} must do for the business-model metrics, dimension filters and time series.
 * Each test uses facilities of its own and filters on them, so the tests share one database.
 */
abstract class BusinessMetricsContract {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
  final String facility = "f-" + UUID.randomUUID();
  final String other = "g-" + UUID.randomUUID();

  /** A store writing records and reading the business metrics (one backend implements both interfaces). */
  interface Both extends AccountingStore, BusinessMetricsStore {}

  abstract Both store();

  abstract Both replica();

  static UsageRecord rec(String facility, String id, String session, String user, String community, Metric metric,
      String start, String end, String value) {
    return new UsageRecord("broker", facility + "/" + id, facility, "inst", null, session, user, "p1", community,
        metric, Instant.parse(start), Instant.parse(end), new BigDecimal(value), false, false);
  }

  /** Ingests, then waits for the rollups to take the batch (as every report does before it reads). */
  void ingest(AccountingStore s, UsageRecord... records) {
    s.ingest(List.of(records), NOW).await();
    assertThat(s.awaitRollups().await().complete()).isTrue();
  }

  ReportQuery query(Instant from, Instant to, Granularity g, List<Dimension> by, List<String> facilities,
      boolean series) {
    return new ReportQuery(from, to, g, by, List.of(), Map.of(Dimension.FACILITY, facilities), series);
  }

  BusinessMetrics business(Instant from, Instant to, Granularity g, String... facilities) {
    return store().businessMetrics(query(from, to, g, List.of(), List.of(facilities), false)).await();
  }

  @Test
  void businessMetricsWhenUsersReturnThenNewUsersCountOnlyTheFirstPeriod() {
    ingest(store(), rec(facility, "1", null, "u1", "mx", Metric.CPU_CORE_HOURS, "2026-10-20T10:00:00Z",
        "2026-10-20T11:00:00Z", "1"));
    ingest(replica(), rec(facility, "2", null, "u1", "mx", Metric.CPU_CORE_HOURS, "2026-11-03T10:00:00Z",
        "2026-11-03T11:00:00Z", "1"), rec(facility, "3", null, "u2", "mx", Metric.GPU_HOURS, "2026-11-04T10:00:00Z",
        "2026-11-04T11:00:00Z", "1"), rec(facility, "4", null, "u2", "saxs", Metric.CPU_CORE_HOURS,
        "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "1"));
    BusinessMetrics nov = business(NOV, DEC, Granularity.MONTH, facility);
    assertThat(nov.activeUsers()).isEqualTo(2);
    assertThat(nov.newUsers()).as("u1 was first seen in October").isEqualTo(1);
    BusinessMetrics oct = business(Instant.parse("2026-10-01T00:00:00Z"), NOV, Granularity.MONTH, facility);
    assertThat(oct.activeUsers()).isEqualTo(1);
    assertThat(oct.newUsers()).isEqualTo(1);
    // a day range reads day buckets; the metric filter narrows active users
    BusinessMetrics gpuOnly = store().businessMetrics(new ReportQuery(NOV, DEC, Granularity.DAY, List.of(),
        List.of(Metric.GPU_HOURS), Map.of(Dimension.FACILITY, List.of(facility)), false)).await();
    assertThat(gpuOnly.activeUsers()).isEqualTo(1);
    // an earlier record arriving later makes the user not new in November any more
    ingest(store(), rec(facility, "5", null, "u2", "mx", Metric.CPU_CORE_HOURS, "2026-10-30T10:00:00Z",
        "2026-10-30T11:00:00Z", "1"));
    assertThat(business(NOV, DEC, Granularity.MONTH, facility).newUsers()).isZero();
    // retrying a batch changes nothing
    ingest(store(), rec(facility, "5", null, "u2", "mx", Metric.CPU_CORE_HOURS, "2026-10-30T10:00:00Z",
        "2026-10-30T11:00:00Z", "1"));
    assertThat(business(Instant.parse("2026-10-01T00:00:00Z"), NOV, Granularity.MONTH, facility).newUsers())
        .isEqualTo(2);
  }

  @Test
  void businessMetricsWhenSessionsSpanRecordsThenCountedOnceWithExactMedian() {
    // s1: two records 10:00-11:00 and 11:00-12:30 -> 9000 s; s2: 3600 s; s3: 3 h = 10800 s; s4: 7200 s
    ingest(store(), rec(facility, "a", "s1", "u1", "mx", Metric.CPU_CORE_HOURS, "2026-11-05T10:00:00Z",
        "2026-11-05T11:00:00Z", "4"), rec(facility, "b", "s2", "u2", "mx", Metric.CPU_CORE_HOURS,
        "2026-11-06T10:00:00Z", "2026-11-06T11:00:00Z", "1"));
    ingest(replica(), rec(facility, "c", "s1", "u1", "mx", Metric.GPU_HOURS, "2026-11-05T11:00:00Z",
        "2026-11-05T12:30:00Z", "1"), rec(facility, "d", "s3", "u1", "mx", Metric.SESSIONS, "2026-11-07T00:00:00Z",
        "2026-11-07T03:00:00Z", "1"));
    BusinessMetrics three = business(NOV, DEC, Granularity.MONTH, facility);
    assertThat(three.sessions()).isEqualTo(3);
    assertThat(three.medianSessionSeconds()).isEqualByComparingTo("9000");
    ingest(store(), rec(facility, "e", "s4", "u3", "mx", Metric.CPU_CORE_HOURS, "2026-11-30T23:00:00Z",
        "2026-12-01T01:00:00Z", "2"));
    BusinessMetrics four = business(NOV, DEC, Granularity.MONTH, facility);
    assertThat(four.sessions()).isEqualTo(4);
    assertThat(four.medianSessionSeconds()).as("mean of the middle two: 7200 and 9000").isEqualByComparingTo("8100");
    BusinessMetrics december = business(DEC, Instant.parse("2027-01-01T00:00:00Z"), Granularity.MONTH, facility);
    assertThat(december.sessions()).as("s4 overlaps December").isEqualTo(1);
    assertThat(december.medianSessionSeconds()).isEqualByComparingTo("7200");
    BusinessMetrics none = business(NOV, DEC, Granularity.MONTH, other);
    assertThat(none).isEqualTo(new BusinessMetrics(0, 0, 0, null));
  }

  @Test
  void reportWhenFilteredThenOnlyMatchingDimensions() {
    ingest(store(), rec(facility, "1", null, "u1", "mx", Metric.CPU_CORE_HOURS, "2026-11-05T10:00:00Z",
        "2026-11-05T11:00:00Z", "3"), rec(facility, "2", null, "u2", "saxs", Metric.CPU_CORE_HOURS,
        "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "5"), rec(other, "3", null, "u3", "mx",
        Metric.CPU_CORE_HOURS, "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "7"));
    List<ReportRow> both = store().report(new ReportQuery(NOV, DEC, Granularity.MONTH, List.of(Dimension.FACILITY),
        List.of(), Map.of(Dimension.FACILITY, List.of(facility, other), Dimension.COMMUNITY, List.of("mx")), false))
        .await();
    assertThat(both).extracting(r -> r.group().get(Dimension.FACILITY), r -> r.value().toPlainString())
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(facility, "3"),
            org.assertj.core.groups.Tuple.tuple(other, "7"));
    List<ReportRow> one = store().report(query(NOV, DEC, Granularity.MONTH, List.of(Dimension.COMMUNITY),
        List.of(facility), false)).await();
    assertThat(one).extracting(r -> r.group().get(Dimension.COMMUNITY), r -> r.value().toPlainString(),
        ReportRow::uniqueUsers).containsExactly(org.assertj.core.groups.Tuple.tuple("mx", "3", 1L),
        org.assertj.core.groups.Tuple.tuple("saxs", "5", 1L));
  }

  @Test
  void reportWhenTimeSeriesThenOneRowPerBucketWithPerBucketDistinctUsers() {
    ingest(store(), rec(facility, "1", null, "u1", "mx", Metric.CPU_CORE_HOURS, "2026-11-05T10:30:00Z",
        "2026-11-05T12:30:00Z", "8"), rec(facility, "2", null, "u2", "mx", Metric.CPU_CORE_HOURS,
        "2026-11-05T11:00:00Z", "2026-11-05T12:00:00Z", "1"));
    List<ReportRow> rows = store().report(query(Instant.parse("2026-11-05T09:00:00Z"),
        Instant.parse("2026-11-05T14:00:00Z"), Granularity.HOUR, List.of(), List.of(facility), true)).await();
    assertThat(rows).extracting(ReportRow::bucket, r -> r.value().toPlainString(), ReportRow::uniqueUsers)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-05T10:00:00Z"), "2", 1L),
            org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-05T11:00:00Z"), "5", 2L),
            org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-05T12:00:00Z"), "2", 1L));
  }
}
