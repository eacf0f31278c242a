package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class ReportServiceTest {
  static final Instant D1 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant D2 = Instant.parse("2026-11-02T00:00:00Z");
  static final Instant D3 = Instant.parse("2026-11-03T00:00:00Z");
  static final Instant D4 = Instant.parse("2026-11-04T00:00:00Z");

  static ReportRow row(Instant bucket, String facility, String value) {
    return new ReportRow(bucket, Map.of(Dimension.FACILITY, facility), Metric.CPU_CORE_HOURS, new BigDecimal(value),
        BigDecimal.ZERO, false, 1, 1);
  }

  @Test
  void fillWhenBucketsMissingThenZeroRowsForEveryGroup() {
    ReportQuery q = new ReportQuery(D1, D4, Granularity.DAY, List.of(Dimension.FACILITY), List.of(), Map.of(), true);
    List<ReportRow> filled = ReportService.fill(q, List.of(row(D1, "esrf", "2"), row(D3, "ill", "5")));
    assertThat(filled).extracting(ReportRow::bucket, r -> r.group().get(Dimension.FACILITY), r -> r.value().toString())
        .containsExactly(Tuple.tuple(D1, "esrf", "2"), Tuple.tuple(D1, "ill", "0"), Tuple.tuple(D2, "esrf", "0"),
            Tuple.tuple(D2, "ill", "0"), Tuple.tuple(D3, "esrf", "0"), Tuple.tuple(D3, "ill", "5"));
  }

  @Test
  void fillWhenNoUsageThenOneZeroRowPerBucketAndRequestedMetric() {
    ReportQuery q = new ReportQuery(D1, D4, Granularity.DAY, List.of(), List.of(Metric.GPU_HOURS), Map.of(), true);
    assertThat(ReportService.fill(q, List.of())).extracting(ReportRow::bucket, ReportRow::metric)
        .containsExactly(Tuple.tuple(D1, Metric.GPU_HOURS), Tuple.tuple(D2, Metric.GPU_HOURS),
            Tuple.tuple(D3, Metric.GPU_HOURS));
  }

  @Test
  void sharesWhenSeveralMetricsThenHundredPerMetric() {
    List<ReportSummary.FacilityShare> s = ReportService.shares(List.of(row(null, "esrf", "3"), row(null, "ill", "1"),
        new ReportRow(null, Map.of(Dimension.FACILITY, "ill"), Metric.GPU_HOURS, BigDecimal.TEN, BigDecimal.ZERO,
            false, 0, 0)));
    assertThat(s).extracting(ReportSummary.FacilityShare::facility, ReportSummary.FacilityShare::metric,
        f -> f.percent().toPlainString()).containsExactly(Tuple.tuple("esrf", Metric.CPU_CORE_HOURS, "75.00"),
        Tuple.tuple("ill", Metric.CPU_CORE_HOURS, "25.00"), Tuple.tuple("ill", Metric.GPU_HOURS, "100.00"));
  }
}
