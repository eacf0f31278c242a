package eu.panosc.accounting.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeriodTest {
  @Test
  void parseWhenMonthThenWholeMonthFromMonthlyRollups() {
    assertThat(Period.parse("2026-11")).isEqualTo(new Period(Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z"), Granularity.MONTH));
  }

  @Test
  void parseWhenDayOrHourThenThatUnit() {
    assertThat(Period.parse("2026-11-05")).isEqualTo(new Period(Instant.parse("2026-11-05T00:00:00Z"),
        Instant.parse("2026-11-06T00:00:00Z"), Granularity.DAY));
    assertThat(Period.parse("2026-11-05T10")).isEqualTo(new Period(Instant.parse("2026-11-05T10:00:00Z"),
        Instant.parse("2026-11-05T11:00:00Z"), Granularity.HOUR));
  }

  @Test
  void parseWhenRangeThenBothEndsIncludedAndCoarsestAlignedRollups() {
    assertThat(Period.parse("2026-11-01..2026-11-15")).isEqualTo(new Period(Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2026-11-16T00:00:00Z"), Granularity.DAY));
    assertThat(Period.parse("2026-10..2026-11")).isEqualTo(new Period(Instant.parse("2026-10-01T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z"), Granularity.MONTH));
    assertThat(Period.parse("2026-11-01..2026-11-30").granularity()).isEqualTo(Granularity.MONTH);
    assertThat(Period.parse("2026-11-05T10..2026-11-05T12").granularity()).isEqualTo(Granularity.HOUR);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2026", "2026-13", "2026-02-30", "2026-11-05T24", "0000-01", "2026-11..2026-10",
      "2026-11-05T10:00", "x..y", "2026-11..", "..2026-11", "+12026-01", "2026-11-05..2026-11-04"})
  void parseWhenMalformedThenNamesThePeriodField(String text) {
    assertThatThrownBy(() -> Period.parse(text)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("period");
  }
}
