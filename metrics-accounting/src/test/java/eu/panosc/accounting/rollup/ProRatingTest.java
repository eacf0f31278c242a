package eu.panosc.accounting.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProRatingTest {
  static UsageRecord record(String start, String end, String value) {
    return new UsageRecord("s", "r", "f", "i", null, null, null, null, null, Metric.CPU_CORE_HOURS,
        Instant.parse(start), Instant.parse(end), new BigDecimal(value), false, false);
  }

  @Test
  void sharesWhenRecordStraddlesAnHourThenSplitByOverlap() {
    List<Share> s = ProRating.shares(record("2026-11-05T10:30:00Z", "2026-11-05T11:30:00Z", "10"), Granularity.HOUR);
    assertThat(s).extracting(Share::bucket).containsExactly(Instant.parse("2026-11-05T10:00:00Z"),
        Instant.parse("2026-11-05T11:00:00Z"));
    assertThat(s.get(0).value()).isEqualByComparingTo("5");
    assertThat(s.get(1).value()).isEqualByComparingTo("5");
  }

  @Test
  void sharesWhenRecordStraddlesMidnightAndMonthEndThenEveryDayAndMonthGetsItsPart() {
    UsageRecord r = record("2026-11-30T18:00:00Z", "2026-12-01T06:00:00Z", "12");
    List<Share> days = ProRating.shares(r, Granularity.DAY);
    assertThat(days).extracting(Share::bucket).containsExactly(Instant.parse("2026-11-30T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(days.get(0).value()).isEqualByComparingTo("6");
    assertThat(days.get(1).value()).isEqualByComparingTo("6");
    List<Share> months = ProRating.shares(r, Granularity.MONTH);
    assertThat(months).extracting(Share::bucket).containsExactly(Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(months.get(0).value()).isEqualByComparingTo("6");
  }

  @Test
  void sharesWhenUnevenThenAddUpToTheValueExactly() {
    UsageRecord r = record("2026-11-05T10:00:00.000001Z", "2026-11-05T13:00:00Z", "1");
    List<Share> s = ProRating.shares(r, Granularity.HOUR);
    assertThat(s).hasSize(3);
    assertThat(s.stream().map(Share::value).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("1");
  }

  @Test
  void sharesWhenInstantaneousThenAllInTheBucketOfItsStart() {
    List<Share> s = ProRating.shares(record("2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z", "3"), Granularity.HOUR);
    assertThat(s).containsExactly(new Share(Granularity.HOUR, Instant.parse("2026-11-05T10:00:00Z"),
        new BigDecimal("3")));
  }

  @Test
  void deltaWhenSubtractingWhatWasAddedThenNothingChanges() {
    RollupDelta d = new RollupDelta();
    UsageRecord r = record("2026-11-05T10:17:00Z", "2026-11-07T03:00:00Z", "7.3");
    d.add(r);
    d.subtract(r);
    assertThat(d.sums()).isEmpty();
    assertThat(d.users()).isEmpty();
  }
}
