package eu.panosc.accounting.rollup;

import eu.panosc.accounting.model.Granularity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Session-length histograms, so that a report's median session length reads bins, not sessions (issue 12).
 *
 * <p><b>Bins</b>: a session's length {@code L} (last end − first start, in microseconds) falls into bin 0 when
 * {@code L = 0}, else into bin {@code k = 1 + floor(ln L / ln 1.01)}, i.e. {@code 1.01^(k-1) <= L < 1.01^k}. A bin
 * stands for {@code 1.01^(k - 1/2)} µs, which is within {@value #RELATIVE_ERROR_PERCENT} % of every length in it; so
 * a median read from the bins (the middle bin's value, or the mean of the two middle ones) is within that much of the
 * exact median of the same sessions. About 4 000 bins cover every length up to 9 999 years.
 *
 * <p><b>Buckets</b>: a session is counted in every hour, day and month bucket it overlaps (as a report's period
 * does: {@code first_start < bucket end} and {@code last_end > bucket start}, or the session starts in the bucket),
 * and, as a <em>crossing</em>, in every overlapped bucket but its last (it overlaps that bucket and the next). A range
 * of consecutive buckets then holds each of its sessions exactly once as (sum of the buckets) − (sum of the crossings
 * of all but the range's last bucket): the buckets a session overlaps are consecutive. So the histogram of any period
 * is exact in which sessions it counts, and its size is bins × dimension groups, whatever the number of sessions.
 *
 * <p><b>Long sessions</b> (longer than {@link #LONG}) are in no histogram: that bounds the buckets one session
 * touches (at most 1 489 hours); a report reads them one by one (rare: they are kept in a partial index).
 */
public final class SessionLengths {
  /** Sessions longer than this are read one by one instead of from histograms. */
  public static final Duration LONG = Duration.ofDays(62);
  /** The width of a bin: each is 1 % wider than the one before. */
  static final double GROWTH = 1.01;
  /** The bound of a histogram median's relative error, in percent: (sqrt(1.01) − 1) × 100 rounded up. */
  public static final String RELATIVE_ERROR_PERCENT = "0.5";
  private static final double LN_GROWTH = Math.log(GROWTH);

  private SessionLengths() {}

  /** The bin of a length in microseconds (at least 0). */
  public static int bin(long micros) {
    if (micros < 0) {
      throw new IllegalArgumentException("negative length");
    }
    return micros == 0 ? 0 : 1 + (int) Math.floor(Math.log((double) micros) / LN_GROWTH);
  }

  /** The bin of a session from {@code start} to {@code end}. */
  public static int bin(Instant start, Instant end) {
    return bin(ChronoUnit.MICROS.between(start, end));
  }

  /** The length in seconds a bin stands for. */
  public static double seconds(int bin) {
    return bin == 0 ? 0 : Math.pow(GROWTH, bin - 0.5) / 1e6;
  }

  /** Whether a session from {@code start} to {@code end} is long (kept out of the histograms). */
  public static boolean isLong(Instant start, Instant end) {
    return Duration.between(start, end).compareTo(LONG) > 0;
  }

  /** A bucket a session is counted in: its start, and whether as a crossing into the next bucket. */
  public record Bucket(Instant start, boolean crossing) {}

  /** The buckets of granularity {@code g} a session from {@code start} to {@code end} is counted in, in order. */
  public static List<Bucket> buckets(Granularity g, Instant start, Instant end) {
    Instant first = g.floor(start);
    Instant last = end.isAfter(start) ? g.floor(end.minus(1, ChronoUnit.MICROS)) : first;
    List<Bucket> out = new ArrayList<>();
    for (Instant b = first; !b.isAfter(last); b = g.next(b)) {
      out.add(new Bucket(b, false));
      if (b.isBefore(last)) {
        out.add(new Bucket(b, true));
      }
    }
    return out;
  }

  /**
   * The median of the sessions counted in {@code bins} (bin → sessions, every count positive), in seconds with
   * microsecond precision: the middle one's bin value, or the mean of the two middle ones; null when empty.
   */
  public static BigDecimal median(SortedMap<Integer, Long> bins) {
    long total = 0;
    for (long n : bins.values()) {
      total += n;
    }
    if (total == 0) {
      return null;
    }
    long lower = (total + 1) / 2; // 1-based ranks of the middle one(s)
    long upper = total / 2 + 1;
    double low = Double.NaN;
    double high = Double.NaN;
    long seen = 0;
    for (Map.Entry<Integer, Long> e : bins.entrySet()) {
      long before = seen;
      seen += e.getValue();
      if (Double.isNaN(low) && lower <= seen && lower > before) {
        low = seconds(e.getKey());
      }
      if (upper <= seen && upper > before) {
        high = seconds(e.getKey());
        break;
      }
    }
    double median = total % 2 == 1 ? low : (low + high) / 2;
    BigDecimal d = BigDecimal.valueOf(median).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }
}
