package eu.panosc.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartsTest {
  @Test
  void barsWhenLabelsHoldMarkupThenEscapedEverywhere() {
    String svg = SvgCharts.bars("c1", "Usage <by> \"facility\"", List.of(
        new SvgCharts.Bar("<script>alert(1)</script>", new BigDecimal("12.5"), "75.00 %"),
        new SvgCharts.Bar("a&b", BigDecimal.ONE, null)));
    assertThat(svg).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("data-label=\"a&amp;b\"").contains("<title id=\"c1-title\">Usage &lt;by&gt; &quot;facility&quot;</title>")
        .contains("role=\"img\"").contains("aria-labelledby=\"c1-title c1-desc\"")
        .contains("data-value=\"12.5\"").contains("12.5 (75.00 %)");
  }

  @Test
  void barsWhenScaledThenLargestFillsTheSpanAndZeroIsEmpty() {
    String svg = SvgCharts.bars("c2", "t", List.of(new SvgCharts.Bar("big", BigDecimal.TEN, null),
        new SvgCharts.Bar("half", new BigDecimal("5"), null), new SvgCharts.Bar("none", BigDecimal.ZERO, null)));
    assertThat(svg).contains("width=\"350\"").contains("width=\"175\"").contains("width=\"0\"");
    assertThat(SvgCharts.bars("c3", "t", List.of())).contains("No usage in this period.");
  }

  @Test
  void columnsWhenManyBucketsThenEveryBarButOnlySomeAxisLabels() {
    List<SvgCharts.Bar> days = new java.util.ArrayList<>();
    for (int d = 1; d <= 30; d++) {
      days.add(new SvgCharts.Bar(String.format("2026-11-%02d", d), BigDecimal.valueOf(d), null));
    }
    String svg = SvgCharts.columns("t", "Usage over time", days);
    assertThat(svg.split("<g class=\"bar\"", -1)).hasSize(31);
    assertThat(svg.split("class=\"axis\">2026-11-", -1).length - 1).isBetween(7, 8);
  }

  @Test
  void durationWhenSecondsThenHoursMinutesSeconds() {
    assertThat(ReportPageView.duration(new BigDecimal("7200"))).isEqualTo("2 h 00 min 00 s");
    assertThat(ReportPageView.duration(new BigDecimal("3725.4"))).isEqualTo("1 h 02 min 05 s");
  }
}
