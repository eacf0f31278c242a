package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportRequestParserTest {
  static ReportQuery parse(String period, Map<Dimension, List<String>> filters, String interval) {
    return ReportRequestParser.parse(period, List.of(), List.of(), d -> filters.getOrDefault(d, List.of()), interval);
  }

  @Test
  void parseWhenFiltersThenCommaSeparatedOrRepeatedValuesWithoutDuplicates() {
    ReportQuery q = parse("2026-11", Map.of(Dimension.FACILITY, List.of("esrf,ill", "esrf"),
        Dimension.COMMUNITY, List.of("mx")), null);
    assertThat(q.filters()).containsExactly(Map.entry(Dimension.FACILITY, List.of("esrf", "ill")),
        Map.entry(Dimension.COMMUNITY, List.of("mx")));
    assertThat(q.timeSeries()).isFalse();
    assertThat(q.granularity()).isEqualTo(Granularity.MONTH);
  }

  @Test
  void parseWhenIntervalThenReadsThatGranularityAsSeries() {
    ReportQuery q = parse("2026-11", Map.of(), "day");
    assertThat(q.timeSeries()).isTrue();
    assertThat(q.granularity()).isEqualTo(Granularity.DAY);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(parse("2026-11-05", Map.of(), "hour").granularity()).isEqualTo(Granularity.HOUR);
  }

  @Test
  void parseWhenBadIntervalOrFilterThenNamesTheField() {
    assertThatThrownBy(() -> parse("2026-11", Map.of(), "week")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("interval").hasMessageContaining("hour, day or month");
    assertThatThrownBy(() -> parse("2026-11-05", Map.of(), "month")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("interval").hasMessageContaining("whole months");
    assertThatThrownBy(() -> parse("2020-01..2026-11", Map.of(), "hour")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("more than 2000");
    assertThatThrownBy(() -> parse("2026-11", Map.of(Dimension.FACILITY, List.of("es\u0001rf")), null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("facility");
    assertThatThrownBy(() -> parse("2026-11", Map.of(Dimension.PROPOSAL, List.of("x".repeat(513))), null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("proposal");
  }
}
