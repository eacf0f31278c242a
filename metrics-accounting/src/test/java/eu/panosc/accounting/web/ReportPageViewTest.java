package eu.panosc.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.report.ReportSummary;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPageViewTest {
  static final PageSessions.PageSession SESSION = new PageSessions.PageSession("h", "alice", "Alice", true, "csrf",
      "id-token", Instant.parse("2026-12-07T12:00:00Z"));
  static final ReportPageView.Form FORM = new ReportPageView.Form("2026-11", "cpu_core_hours", "", "");

  static String render(RollupStatus status) {
    ReportPageView.Data d = new ReportPageView.Data(new ReportSummary(new BusinessMetrics(0, 0, 0, BigDecimal.ZERO),
        List.of(), List.of()), List.of(), "day", List.of(), List.of(), List.of(), status);
    return ReportPageView.report("/accounting", SESSION, FORM, d, "period=2026-11");
  }

  @Test
  void reportWhenRollupsBehindThenPageStatesWhatIsMissing() {
    String html = render(new RollupStatus(42, Instant.parse("2026-12-07T10:15:00Z")));
    assertThat(html).contains("<p class=\"lag\" id=\"lag\" role=\"status\">42 acknowledged record(s) are not in these "
        + "numbers yet; complete until 2026-12-07T10:15:00Z.");
  }

  @Test
  void reportWhenRollupsCompleteThenNoLagNotice() {
    assertThat(render(new RollupStatus(0, Instant.parse("2026-12-07T10:15:00Z")))).doesNotContain("id=\"lag\"")
        .contains("id=\"summary-h\"");
  }
}
