package eu.panosc.accounting.export.api;

import eu.panosc.accounting.report.Period;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.MultiMap;
import java.time.YearMonth;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the exports' query: {@code period} once, no other parameter (a misspelt one would otherwise be ignored
 * and the whole period exported).
 */
public final class ExportRequestParser {
  static final String PERIOD = "period";

  private ExportRequestParser() {}

  /** Any period of the reports: a month, day, hour or a range of these. */
  public static Period period(MultiMap query) {
    return Period.parse(single(query));
  }

  /** One month ({@code 2026-11}): APEL CloudRecords are per month. */
  public static YearMonth month(MultiMap query) {
    String text = single(query);
    if (text == null || text.isEmpty()) {
      throw new InvalidInputException(PERIOD, "is required; must be a month such as 2026-11 (UTC)");
    }
    if (!text.matches("\\d{4}-\\d{2}")) {
      throw new InvalidInputException(PERIOD, "must be one month such as 2026-11 (UTC): APEL cloud records are "
          + "per session and month");
    }
    Period p = Period.parse(text); // checks the month and year range
    return YearMonth.from(p.from().atOffset(java.time.ZoneOffset.UTC));
  }

  private static String single(MultiMap query) {
    Set<String> unknown = new TreeSet<>(query.names());
    unknown.remove(PERIOD);
    if (!unknown.isEmpty()) {
      String name = unknown.iterator().next();
      throw new InvalidInputException(Input.isClean(name, 64) ? name : "query",
          "unknown parameter; the only parameter is period");
    }
    if (query.getAll(PERIOD).size() > 1) {
      throw new InvalidInputException(PERIOD, "must be given once");
    }
    String value = query.get(PERIOD);
    return value == null ? null : Input.text(PERIOD, value, 64, false);
  }
}
