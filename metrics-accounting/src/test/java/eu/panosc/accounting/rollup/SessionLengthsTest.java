package eu.panosc.accounting.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Granularity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Session-length bins, bucket membership and the histogram median against direct computations. */
class SessionLengthsTest {
  static final double BOUND = Double.parseDouble(SessionLengths.RELATIVE_ERROR_PERCENT) / 100;

  @Test
  void binWhenAnyLengthThenItsValueWithinTheBound() {
    SplittableRandom random = new SplittableRandom(7);
    assertThat(SessionLengths.bin(0)).isZero();
    assertThat(SessionLengths.seconds(0)).isZero();
    for (int i = 0; i < 200_000; i++) {
      long micros = i < 1000 ? i + 1 : (long) Math.pow(10, random.nextDouble() * 17.5);
      double seconds = micros / 1e6;
      double value = SessionLengths.seconds(SessionLengths.bin(micros));
      assertThat(Math.abs(value - seconds)).as("%d µs", micros).isLessThanOrEqualTo(BOUND * seconds);
    }
    assertThat(SessionLengths.bin(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59Z")))
        .isLessThan(4100);
  }

  /** Per bucket plus crossings, a range of consecutive buckets counts exactly the sessions overlapping it, once. */
  @Test
  void bucketsWhenSummedOverAnyRangeThenEverySessionOverlappingItOnce() {
    SplittableRandom random = new SplittableRandom(11);
    Instant base = Instant.parse("2026-10-30T00:00:00Z");
    for (Granularity g : Granularity.values()) {
      long unit = g == Granularity.HOUR ? 3600 : g == Granularity.DAY ? 86_400 : 31 * 86_400L;
      for (int i = 0; i < 3000; i++) {
        Instant start = base.plusSeconds(random.nextLong(40 * unit)).plus(random.nextInt(1000), ChronoUnit.MICROS);
        Instant end = random.nextInt(5) == 0 ? start : start.plusSeconds(random.nextLong(6 * unit + 1));
        if (random.nextInt(4) == 0) {
          end = g.floor(end); // ends on a boundary
          start = start.isAfter(end) ? end : start;
        }
        Instant from = g.floor(base.plusSeconds(random.nextLong(40 * unit)));
        Instant to = from;
        for (int k = 1 + random.nextInt(5); k > 0; k--) {
          to = g.next(to);
        }
        boolean overlaps = start.isBefore(to) && (end.isAfter(from) || !start.isBefore(from));
        Instant lastBucket = g.floor(to.minus(1, ChronoUnit.MICROS));
        long counted = 0;
        for (SessionLengths.Bucket b : SessionLengths.buckets(g, start, end)) {
          if (!b.start().isBefore(from) && b.start().isBefore(to) && !b.crossing()) {
            counted++;
          }
          if (!b.start().isBefore(from) && b.start().isBefore(lastBucket) && b.crossing()) {
            counted--;
          }
        }
        assertThat(counted).as("%s %s..%s in %s..%s", g, start, end, from, to).isEqualTo(overlaps ? 1 : 0);
      }
    }
  }

  @Test
  void medianWhenFromBinsThenWithinTheBoundOfTheExactMedian() {
    SplittableRandom random = new SplittableRandom(3);
    for (int round = 0; round < 300; round++) {
      int n = 1 + random.nextInt(round < 50 ? 6 : 2000);
      List<Long> lengths = new ArrayList<>();
      TreeMap<Integer, Long> bins = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        long micros = random.nextInt(10) == 0 ? 0 : random.nextLong(1, 40L * 86_400_000_000L);
        lengths.add(micros);
        bins.merge(SessionLengths.bin(micros), 1L, Long::sum);
      }
      lengths.sort(null);
      BigDecimal exact = n % 2 == 1 ? BigDecimal.valueOf(lengths.get(n / 2))
          : BigDecimal.valueOf(lengths.get(n / 2 - 1)).add(BigDecimal.valueOf(lengths.get(n / 2)))
              .divide(BigDecimal.TWO);
      exact = exact.divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL64);
      BigDecimal median = SessionLengths.median(bins);
      assertThat(median.subtract(exact).abs().doubleValue()).as("n=%d exact=%s median=%s", n, exact, median)
          .isLessThanOrEqualTo(BOUND * exact.doubleValue() + 0.5e-6);
    }
    assertThat(SessionLengths.median(new TreeMap<>())).isNull();
    TreeMap<Integer, Long> zeros = new TreeMap<>();
    zeros.put(0, 3L);
    assertThat(SessionLengths.median(zeros)).isEqualByComparingTo("0");
  }
}
