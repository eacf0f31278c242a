package eu.panosc.accounting.report;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A report period in UTC: a month {@code 2026-11}, a day {@code 2026-11-05}, an hour {@code 2026-11-05T10}, or
 * a range {@code from..to} of two of these (both included: {@code 2026-11-01..2026-11-15} is 15 days). The
 * rollups read are the coarsest whose boundaries the period's ends are.
 */
public record Period(Instant from, Instant to, Granularity granularity) {
  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
  private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern HOUR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}");
  static final String FIELD = "period";
  static final String FORMS = "must be a month (2026-11), a day (2026-11-05), an hour (2026-11-05T10) or a range "
      + "from..to of these, in UTC, years 0001-9999";

  public static Period parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidInputException(FIELD, "is required; " + FORMS);
    }
    if (text.length() > 40) {
      throw new InvalidInputException(FIELD, FORMS);
    }
    int dots = text.indexOf("..");
    Instant[] first;
    Instant[] last;
    if (dots < 0) {
      first = last = unit(text);
    } else {
      first = unit(text.substring(0, dots));
      last = unit(text.substring(dots + 2));
    }
    Instant from = first[0];
    Instant to = last[1];
    if (!from.isBefore(to)) {
      throw new InvalidInputException(FIELD, "the range's end must not be before its start");
    }
    Granularity g = Granularity.MONTH.aligned(from) && Granularity.MONTH.aligned(to) ? Granularity.MONTH
        : Granularity.DAY.aligned(from) && Granularity.DAY.aligned(to) ? Granularity.DAY : Granularity.HOUR;
    return new Period(from, to, g);
  }

  /** {start, end} of one month, day or hour. */
  private static Instant[] unit(String s) {
    try {
      if (MONTH.matcher(s).matches()) {
        YearMonth m = YearMonth.parse(s);
        check(m.getYear());
        return new Instant[] {m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
            m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC)};
      }
      if (DAY.matcher(s).matches()) {
        LocalDate d = LocalDate.parse(s);
        check(d.getYear());
        return new Instant[] {d.atStartOfDay().toInstant(ZoneOffset.UTC),
            d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)};
      }
      if (HOUR.matcher(s).matches()) {
        LocalDateTime h = LocalDateTime.parse(s + ":00");
        check(h.getYear());
        return new Instant[] {h.toInstant(ZoneOffset.UTC), h.plusHours(1).toInstant(ZoneOffset.UTC)};
      }
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(FIELD, FORMS);
    }
    throw new InvalidInputException(FIELD, FORMS);
  }

  private static void check(int year) {
    if (year < 1 || year > 9999) {
      throw new InvalidInputException(FIELD, FORMS);
    }
  }
}
