package eu.panosc.accounting.report;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the report's query parameters ({@code period}, {@code groupBy}, {@code metric}) into a query. */
public final class ReportRequestParser {
  private ReportRequestParser() {}

  /** Each list parameter may be given once, comma-separated, or repeated; null when absent. */
  public static ReportQuery parse(String period, List<String> groupBy, List<String> metric) {
    Period p = Period.parse(single("period", period));
    Set<Dimension> dims = new LinkedHashSet<>();
    for (String name : items("groupBy", groupBy)) {
      dims.add(Dimension.parse(name).orElseThrow(() -> new InvalidInputException("groupBy",
          "unknown dimension; expected any of " + Dimension.names())));
    }
    Set<Metric> metrics = new LinkedHashSet<>();
    for (String name : items("metric", metric)) {
      metrics.add(Metric.parse(name).orElseThrow(() -> new InvalidInputException("metric",
          "unknown metric; expected any of " + Metric.names())));
    }
    return new ReportQuery(p.from(), p.to(), p.granularity(), new ArrayList<>(dims), new ArrayList<>(metrics));
  }

  private static String single(String field, String value) {
    return value == null ? null : Input.text(field, value, 64, false);
  }

  private static List<String> items(String field, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      Input.text(field, v, 256, false);
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
