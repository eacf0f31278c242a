package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docs/grafana/panosc.json} is a Grafana dashboard whose PromQL reads only meters of docs/metrics.md. */
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("..", "docs", "grafana", "panosc.json");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  /** PromQL words that are not metric names (aggregation modifiers, set operators, vector matching). */
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset");

  /**
   * The metric names an expression reads: string literals, label matchers {@code {…}}, ranges {@code […]} and the
   * label lists of {@code by}/{@code without}/{@code on}/{@code ignoring} removed, the identifiers left that are
   * not followed by {@code (} (a function) and are not keywords.
   */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    Set<String> out = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String word = m.group();
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean call = next < s.length() && s.charAt(next) == '(';
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1)); // 1e9
      if (!call && !number && !KEYWORDS.contains(word)) {
        out.add(word);
      }
    }
    return out;
  }

  @Test
  void metricNamesWhenExpressionHasLabelsRangesAndGroupingThenOnlyMetrics() {
    assertThat(metricNames("sum by (service) (label_replace(rate(vertx_http_server_requests_total{code=~\"5..\"}"
        + "[$__rate_interval]), \"service\", \"$1\", \"route\", \"/([^/]+).*\")) / on (x) group_left max(a_b) * 1e9"))
        .containsExactlyInAnyOrder("vertx_http_server_requests_total", "a_b");
  }

  @Test
  void dashboardWhenParsedThenEveryPanelQueriesDocumentedMetricsOnly() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    assertThat(dashboard.getString("uid")).isNotBlank();
    assertThat(dashboard.getString("title")).isNotBlank();
    assertThat(dashboard.getInteger("schemaVersion")).isPositive();
    Map<String, String> documented = MetricsDoc.documented();
    List<String> problems = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    int queries = 0;
    for (Object p : panels(dashboard.getJsonArray("panels"))) {
      JsonObject panel = (JsonObject) p;
      if ("row".equals(panel.getString("type"))) {
        continue;
      }
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      if (targets.isEmpty()) {
        problems.add("panel '" + panel.getString("title") + "' has no query");
      }
      for (Object t : targets) {
        String expr = ((JsonObject) t).getString("expr");
        queries++;
        Set<String> names = metricNames(expr);
        if (names.isEmpty()) {
          problems.add("no metric in " + expr);
        }
        for (String name : names) {
          String family = MetricsDoc.familyOf(name, documented);
          if (family == null) {
            problems.add(name + " (panel '" + panel.getString("title") + "') is not in docs/metrics.md");
          } else {
            used.add(family);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(queries).isGreaterThan(10);
    // what the dashboard is for: per-service HTTP, token grants, PDP decisions and drops, accounting ingest and lag
    assertThat(used).contains("vertx_http_server_requests_total", "vertx_http_server_response_time_seconds",
        "panosc_aai_tokens_issued_total", "panosc_pdp_decisions_total", "panosc_pdp_decision_log_dropped_total",
        "panosc_accounting_records_total", "panosc_accounting_ingest_lag_seconds",
        "panosc_accounting_record_lag_seconds");
  }

  /** Every panel, those inside collapsed rows too. */
  private static List<Object> panels(JsonArray top) {
    List<Object> out = new ArrayList<>();
    for (Object p : top) {
      out.add(p);
      for (Object inner : ((JsonObject) p).getJsonArray("panels", new JsonArray())) {
        out.add(inner); // the iterator wraps nested maps as JsonObject
      }
    }
    return out;
  }
}
