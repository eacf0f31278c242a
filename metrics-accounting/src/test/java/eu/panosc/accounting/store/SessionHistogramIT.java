package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.rollup.SessionLengths;
import eu.panosc.platform.testing.TestDatabase;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sessions' count and median of a report, read from the session-length histograms (and the long sessions one by
 * one), against a direct computation over the generated records: sessions of one to four records each (in several
 * batches, so that spans widen after they were first rolled up), crossing hour, day and month boundaries, some longer
 * than {@link SessionLengths#LONG}, in two facilities and three communities. For hour, day and month periods and
 * ranges with and without filters, the count is exact, the histogram median is within the documented bound, and
 * with few sessions the median is exact.
 */
class SessionHistogramIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 4);

  static final Instant NOW = Instant.parse("2027-03-01T00:00:00Z");
  static final double BOUND = Double.parseDouble(SessionLengths.RELATIVE_ERROR_PERCENT) / 100;

  /** A session as the test knows it: its dimensions and span. */
  static final class Span {
    final String facility;
    final String community;
    Instant start;
    Instant end;

    Span(String facility, String community, Instant start, Instant end) {
      this.facility = facility;
      this.community = community;
      this.start = start;
      this.end = end;
    }
  }

  @Test
  void sessionsWhenReadFromHistogramsThenCountExactAndMedianWithinTheBound() {
    PgAccountingStore store = new PgAccountingStore(DB.shared());
    SplittableRandom random = new SplittableRandom(42);
    Map<String, Span> sessions = new HashMap<>();
    Instant base = Instant.parse("2026-10-25T00:00:00Z");
    int id = 0;
    for (int batch = 0; batch < 6; batch++) {
      List<UsageRecord> records = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String session = "s" + random.nextInt(900);
        String facility = "f" + (session.hashCode() & 1);
        String community = "c" + Math.floorMod(session.hashCode(), 3);
        Span known = sessions.get(session);
        Instant start;
        Instant end;
        if (known == null || random.nextInt(3) == 0) {
          start = (known == null ? base.plusSeconds(random.nextLong(70L * 86_400)) : known.end)
              .plus(random.nextInt(1_000_000), ChronoUnit.MICROS);
          long seconds = random.nextInt(8) == 0 ? 0 : random.nextInt(20) == 0 ? 30L * 86_400
              : random.nextLong(3 * 86_400);
          end = start.plusSeconds(seconds);
        } else {
          start = known.start.plusSeconds(random.nextLong(3600));
          Instant near = known.end.minusSeconds(random.nextLong(60));
          end = near.isBefore(start) ? start : near;
        }
        records.add(new UsageRecord("hist", "r" + id++, facility, "inst", null, session, "u" + random.nextInt(50),
            "p1", community, Metric.CPU_CORE_HOURS, start, end, BigDecimal.ONE, false, false));
        if (known == null) {
          sessions.put(session, new Span(facility, community, start, end));
        } else {
          known.start = known.start.isBefore(start) ? known.start : start;
          known.end = known.end.isAfter(end) ? known.end : end;
        }
      }
      store.ingest(records, NOW).await();
      assertThat(store.awaitRollups().await().complete()).isTrue();
    }
    assertThat(sessions.values().stream().filter(s -> SessionLengths.isLong(s.start, s.end)).count())
        .as("some sessions are long").isPositive();

    Instant nov = Instant.parse("2026-11-01T00:00:00Z");
    List<ReportQuery> queries = new ArrayList<>();
    for (Map<Dimension, List<String>> filters : List.of(Map.<Dimension, List<String>>of(),
        Map.of(Dimension.FACILITY, List.of("f1")), Map.of(Dimension.FACILITY, List.of("f0"), Dimension.COMMUNITY,
            List.of("c1", "c2")))) {
      queries.add(query(nov, Instant.parse("2026-12-01T00:00:00Z"), Granularity.MONTH, filters));
      queries.add(query(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
          Granularity.MONTH, filters));
      queries.add(query(Instant.parse("2026-11-05T00:00:00Z"), Instant.parse("2026-11-06T00:00:00Z"),
          Granularity.DAY, filters));
      queries.add(query(Instant.parse("2026-11-03T00:00:00Z"), Instant.parse("2026-11-17T00:00:00Z"),
          Granularity.DAY, filters));
      queries.add(query(Instant.parse("2026-11-05T10:00:00Z"), Instant.parse("2026-11-05T11:00:00Z"),
          Granularity.HOUR, filters));
      queries.add(query(Instant.parse("2026-11-30T20:00:00Z"), Instant.parse("2026-12-01T05:00:00Z"),
          Granularity.HOUR, filters));
    }
    for (ReportQuery q : queries) {
      List<Long> lengths = new ArrayList<>();
      for (Span s : sessions.values()) {
        boolean overlaps = s.start.isBefore(q.to()) && (s.end.isAfter(q.from()) || !s.start.isBefore(q.from()));
        if (overlaps && q.filters().getOrDefault(Dimension.FACILITY, List.of(s.facility)).contains(s.facility)
            && q.filters().getOrDefault(Dimension.COMMUNITY, List.of(s.community)).contains(s.community)) {
          lengths.add(ChronoUnit.MICROS.between(s.start, s.end));
        }
      }
      lengths.sort(null);
      String what = q.granularity() + " " + q.from() + ".." + q.to() + " " + q.filters();
      BusinessMetrics fromBins = PgBusinessMetrics.read(DB.shared(), q, 0).await();
      BusinessMetrics exact = PgBusinessMetrics.read(DB.shared(), q, Long.MAX_VALUE).await();
      assertThat(fromBins.sessions()).as(what).isEqualTo(lengths.size());
      assertThat(exact.sessions()).as(what).isEqualTo(lengths.size());
      if (lengths.isEmpty()) {
        assertThat(fromBins.medianSessionSeconds()).isNull();
        continue;
      }
      int n = lengths.size();
      BigDecimal median = (n % 2 == 1 ? BigDecimal.valueOf(lengths.get(n / 2))
          : BigDecimal.valueOf(lengths.get(n / 2 - 1)).add(BigDecimal.valueOf(lengths.get(n / 2)))
              .divide(BigDecimal.TWO)).divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL64);
      assertThat(exact.medianSessionSeconds()).as(what).isEqualByComparingTo(median);
      assertThat(fromBins.medianSessionSeconds().subtract(median).abs().doubleValue()).as(what + " median " + median)
          .isLessThanOrEqualTo(BOUND * median.doubleValue() + 0.5e-6);
    }
    assertThat(queries.stream().mapToLong(q -> PgBusinessMetrics.read(DB.shared(), q, 0).await().sessions()).sum())
        .as("the periods hold sessions").isGreaterThan(1000);
  }

  static ReportQuery query(Instant from, Instant to, Granularity g, Map<Dimension, List<String>> filters) {
    return new ReportQuery(from, to, g, List.of(), List.of(), filters, false);
  }
}
