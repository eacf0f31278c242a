package eu.panosc.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.report.ReportService;
import eu.panosc.accounting.store.AccountingStore;
import eu.panosc.accounting.store.BusinessMetricsStore;
import eu.panosc.platform.input.InvalidInputException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportPageServiceTest {
  static <T> T unused(Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
      throw new AssertionError("not called in this test");
    }));
  }

  final ReportPageService pages = new ReportPageService(new ReportService(unused(AccountingStore.class),
      unused(BusinessMetricsStore.class)), Clock.fixed(Instant.parse("2026-12-07T05:00:00Z"), ZoneOffset.UTC));

  @Test
  void withDefaultsWhenEmptyThenThisMonthAndCoreHours() {
    ReportPageView.Form f = pages.withDefaults(null, "", null, null);
    assertThat(f).isEqualTo(new ReportPageView.Form("2026-12", "cpu_core_hours", "", ""));
    ReportQuery q = pages.query(new ReportPageView.Form("2026-11", "gpu_hours", "esrf", "mx"));
    assertThat(q.filters()).containsExactly(Map.entry(Dimension.FACILITY, List.of("esrf")),
        Map.entry(Dimension.COMMUNITY, List.of("mx")));
  }

  @Test
  void queryWhenNotExactlyOneKnownMetricThenNamesMetric() {
    for (String metric : List.of("cpu_core_hours,gpu_hours", "watts")) {
      assertThatThrownBy(() -> pages.query(new ReportPageView.Form("2026-11", metric, "", "")))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("metric");
    }
  }

  @Test
  void intervalWhenPeriodLongerThenCoarser() {
    assertThat(ReportPageService.interval(q("2026-11-05T00:00:00Z", "2026-11-07T00:00:00Z", Granularity.DAY)))
        .isEqualTo("hour");
    assertThat(ReportPageService.interval(q("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", Granularity.MONTH)))
        .isEqualTo("day");
    assertThat(ReportPageService.interval(q("2026-01-01T00:00:00Z", "2026-12-01T00:00:00Z", Granularity.MONTH)))
        .isEqualTo("month");
    assertThat(ReportPageService.csvQuery(new ReportPageView.Form("2026-11", "cpu_core_hours", "a&b", "")))
        .isEqualTo("period=2026-11&metric=cpu_core_hours&groupBy=facility,community,proposal&facility=a%26b");
  }

  static ReportQuery q(String from, String to, Granularity g) {
    return new ReportQuery(Instant.parse(from), Instant.parse(to), g, List.of(), List.of());
  }
}
