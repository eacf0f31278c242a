package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The overflow policy's report: dropped decisions are announced with their number, at most once per interval. */
class DropReportTest {
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T03:00:00Z"));
  final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  };

  void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void dueWhenNothingDroppedThenNothingToReport() {
    DropReport report = new DropReport(clock, Duration.ofSeconds(10));
    assertThat(report.due(0)).isZero();
    advance(Duration.ofMinutes(1));
    assertThat(report.due(0)).isZero();
    assertThat(report.remaining(0)).isZero();
  }

  @Test
  void dueWhenDropsKeepComingThenOneReportPerIntervalWithEveryDropCountedOnce() {
    DropReport report = new DropReport(clock, Duration.ofSeconds(10));
    assertThat(report.due(5)).isEqualTo(5);           // the first drop is reported at once
    advance(Duration.ofSeconds(1));
    assertThat(report.due(50)).isZero();              // within the interval: held back, not lost
    advance(Duration.ofSeconds(9));
    assertThat(report.due(120)).isEqualTo(115);       // 45 held back + 70 new
    advance(Duration.ofSeconds(30));
    assertThat(report.due(120)).isZero();             // nothing new
    assertThat(report.due(121)).isEqualTo(1);         // a quiet interval passed: reported at once
    advance(Duration.ofSeconds(2));
    assertThat(report.due(130)).isZero();
    assertThat(report.remaining(133)).isEqualTo(12);  // at shutdown: whatever is left, interval or not
    assertThat(report.remaining(133)).isZero();
  }
}
