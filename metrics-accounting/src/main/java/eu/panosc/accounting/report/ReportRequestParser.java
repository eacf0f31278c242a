package eu.panosc.accounting.report;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the report's query parameters ({@code period}, {@code groupBy}, {@code metric}, the dimension filters
 * {@code facility}, {@code installation}, {@code proposal}, {@code community}, and {@code interval}) into a query.
 */
public final class ReportRequestParser {
  /** The most buckets a time series may have (a month of hours is 744, a year of days 366). */
  public static final int MAX_BUCKETS = 2_000;
  /** The most values one dimension filter may list. */
  public static final int MAX_FILTER_VALUES = 50;

  private ReportRequestParser() {}

  /** Each list parameter may be given once, comma-separated, or repeated; null when absent. */
  public static ReportQuery parse(String period, List<String> groupBy, List<String> metric) {
    return parse(period, groupBy, metric, d -> List.of(), null);
  }

  /**
   * As {@link #parse(String, List, List)}, plus the dimension filters ({@code filter.apply(dimension)} gives the
   * query parameter's values, empty when absent) and the time-series {@code interval} ({@code hour}, {@code day},
   * {@code month}; null for one row per group over the whole period).
   */
  public static ReportQuery parse(String period, List<String> groupBy, List<String> metric,
      Function<Dimension, List<String>> filter, String interval) {
    Period p = Period.parse(single("period", period));
    Set<Dimension> dims = new LinkedHashSet<>();
    for (String name : items("groupBy", groupBy, 256)) {
      dims.add(Dimension.parse(name).orElseThrow(() -> new InvalidInputException("groupBy",
          "unknown dimension; expected any of " + Dimension.names())));
    }
    Set<Metric> metrics = new LinkedHashSet<>();
    for (String name : items("metric", metric, 256)) {
      metrics.add(Metric.parse(name).orElseThrow(() -> new InvalidInputException("metric",
          "unknown metric; expected any of " + Metric.names())));
    }
    Map<Dimension, List<String>> filters = new EnumMap<>(Dimension.class);
    for (Dimension d : Dimension.values()) {
      List<String> values = new ArrayList<>(new LinkedHashSet<>(items(d.wire(), filter.apply(d), 4096)));
      for (String v : values) {
        Input.id(d.wire(), v);
      }
      if (values.size() > MAX_FILTER_VALUES) {
        throw new InvalidInputException(d.wire(), "at most " + MAX_FILTER_VALUES + " values");
      }
      filters.put(d, values);
    }
    if (interval == null) {
      return new ReportQuery(p.from(), p.to(), p.granularity(), new ArrayList<>(dims), new ArrayList<>(metrics),
          filters, false);
    }
    Granularity g = interval(Input.text("interval", interval, 16, true));
    if (!g.aligned(p.from()) || !g.aligned(p.to())) {
      throw new InvalidInputException("interval", "interval=" + g.wire() + " needs a period of whole " + g.wire()
          + "s (e.g. " + example(g) + ")");
    }
    long buckets = 0;
    for (Instant t = p.from(); t.isBefore(p.to()) && buckets <= MAX_BUCKETS; t = g.next(t)) {
      buckets++;
    }
    if (buckets > MAX_BUCKETS) {
      throw new InvalidInputException("interval", "the period has more than " + MAX_BUCKETS + " " + g.wire()
          + "s; choose a coarser interval or a shorter period");
    }
    return new ReportQuery(p.from(), p.to(), g, new ArrayList<>(dims), new ArrayList<>(metrics), filters, true);
  }

  private static Granularity interval(String text) {
    return Arrays.stream(Granularity.values()).filter(g -> g.wire().equals(text.toLowerCase(Locale.ROOT)))
        .findFirst().orElseThrow(() -> new InvalidInputException("interval", "must be hour, day or month"));
  }

  private static String example(Granularity g) {
    return switch (g) {
      case HOUR -> "2026-11-05T10..2026-11-05T18";
      case DAY -> "2026-11-05 or 2026-11-01..2026-11-15";
      case MONTH -> "2026-11 or 2026-01..2026-06";
    };
  }

  private static String single(String field, String value) {
    return value == null ? null : Input.text(field, value, 64, false);
  }

  private static List<String> items(String field, List<String> values, int max) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      Input.text(field, v, max, false);
      for (String item : v.split(",", -1)) {
        String t = item.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
