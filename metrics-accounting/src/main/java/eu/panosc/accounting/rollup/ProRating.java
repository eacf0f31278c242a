package eu.panosc.accounting.rollup;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a record's value over the buckets its {@code [start, end)} overlaps, in proportion to the overlap; the
 * last bucket takes the remainder of the rounding, so the shares always add up to the value exactly (nothing
 * dropped, nothing invented). A record with {@code start == end} falls wholly into the bucket holding its start.
 * Deterministic: the same record always gives the same shares, so a replaced record's contribution can be
 * subtracted exactly.
 */
public final class ProRating {
  /** Decimal places of a share (the value itself keeps its own). */
  static final int SCALE = 12;

  private ProRating() {}

  public static List<Share> shares(UsageRecord r, Granularity g) {
    Instant first = g.floor(r.start());
    if (!r.end().isAfter(r.start())) {
      return List.of(new Share(g, first, r.value()));
    }
    long total = micros(r.start(), r.end());
    BigDecimal totalMicros = BigDecimal.valueOf(total);
    List<Share> out = new ArrayList<>();
    BigDecimal given = BigDecimal.ZERO;
    for (Instant b = first; b.isBefore(r.end()); b = g.next(b)) {
      Instant next = g.next(b);
      if (!next.isBefore(r.end())) {
        out.add(new Share(g, b, r.value().subtract(given)));
        break;
      }
      Instant from = b.isAfter(r.start()) ? b : r.start();
      BigDecimal part = r.value().multiply(BigDecimal.valueOf(micros(from, next)))
          .divide(totalMicros, SCALE, RoundingMode.HALF_EVEN);
      given = given.add(part);
      out.add(new Share(g, b, part));
    }
    return out;
  }

  private static long micros(Instant a, Instant b) {
    return ChronoUnit.MICROS.between(a, b);
  }
}
