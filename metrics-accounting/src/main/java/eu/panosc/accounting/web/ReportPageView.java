package eu.panosc.accounting.web;

import eu.panosc.accounting.model.BusinessMetrics;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.report.ReportSummary;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The report page's HTML: the filter form, the summary, four SVG charts and the CSV link; and its other pages. */
final class ReportPageView {
  /** What the filter form shows (as the person typed it). */
  record Form(String period, String metric, String facility, String community) {}

  /** Everything a report page shows. */
  record Data(ReportSummary summary, List<ReportRow> series, String interval, List<ReportRow> byFacility,
      List<ReportRow> byCommunity, List<ReportRow> byProposal, RollupStatus status) {}

  private ReportPageView() {}

  static String report(String base, PageSessions.PageSession s, Form form, Data d, String csvQuery) {
    StringBuilder sb = head(base, "Accounting reports");
    header(sb, base, s);
    form(sb, base, form, null);
    BusinessMetrics b = d.summary().business();
    if (!d.status().complete()) {
      // the roll-up is behind: say what these numbers leave out (acknowledged records are never lost)
      sb.append("<p class=\"lag\" id=\"lag\" role=\"status\">").append(d.status().pendingRecords())
          .append(" acknowledged record(s) are not in these numbers yet; complete until ")
          .append(Html.esc(d.status().completeUntil().toString())).append(". Reload in a few seconds.</p>");
    }
    sb.append("<section aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2><dl class=\"summary\">")
        .append(item("active-users", "Active users", Long.toString(b.activeUsers())))
        .append(item("new-users", "New users", Long.toString(b.newUsers())))
        .append(item("sessions", "Sessions", Long.toString(b.sessions())))
        .append(item("median-session", "Median session length", b.medianSessionSeconds() == null ? "–"
            : duration(b.medianSessionSeconds())))
        .append("</dl></section>");
    String metric = Html.esc(form.metric());
    sb.append("<section aria-labelledby=\"charts-h\"><h2 id=\"charts-h\">Usage: ").append(metric).append("</h2>");
    List<SvgCharts.Bar> time = d.series().stream().map(r -> new SvgCharts.Bar(bucket(r, d.interval()), r.value(),
        null)).toList();
    sb.append("<figure>").append(SvgCharts.columns("chart-time", "Usage over time (" + form.metric() + " per "
        + d.interval() + ")", time)).append("</figure>");
    sb.append("<figure>").append(SvgCharts.bars("chart-facility", "Usage by facility (" + form.metric() + ")",
        facilityBars(d))).append("</figure>");
    sb.append("<figure>").append(SvgCharts.bars("chart-community", "Usage by community (" + form.metric() + ")",
        bars(d.byCommunity(), Dimension.COMMUNITY))).append("</figure>");
    sb.append("<figure>").append(SvgCharts.bars("chart-proposal", "Usage by proposal (" + form.metric() + ")",
        bars(d.byProposal(), Dimension.PROPOSAL))).append("</figure></section>");
    sb.append("<p><a id=\"csv\" href=\"").append(Html.esc(base)).append("/reports/report.csv?")
        .append(Html.esc(csvQuery)).append("\" download>Download CSV</a> (this period and filters, by facility, "
        + "community and proposal)</p>");
    return sb.append("</main></body></html>").toString();
  }

  /** A page with the form again and what is wrong with the query (400). */
  static String badQuery(String base, PageSessions.PageSession s, Form form, String field, String message) {
    StringBuilder sb = head(base, "Accounting reports: check the filters");
    header(sb, base, s);
    form(sb, base, form, field + ": " + message);
    return sb.append("</main></body></html>").toString();
  }

  /** Signed in, but not a report reader (403). */
  static String forbidden(String base, PageSessions.PageSession s) {
    StringBuilder sb = head(base, "Accounting reports: access denied");
    header(sb, base, s);
    sb.append("<h2 id=\"forbidden\">You may not read accounting reports</h2><p>You are signed in as ")
        .append(Html.esc(s.displayName())).append(", but the report page is only for operators holding the role "
            + "<code>accounting:read</code>. Ask your facility's accounting contact to grant it, then sign out and "
            + "in again.</p>");
    return sb.append("</main></body></html>").toString();
  }

  /** Any other failure, with what to do next and the request id. */
  static String message(String base, String title, String text, String requestId, boolean signInLink) {
    StringBuilder sb = head(base, title);
    sb.append("<h1>").append(Html.esc(title)).append("</h1><p id=\"message\">").append(Html.esc(text)).append("</p>");
    if (signInLink) {
      sb.append("<p><a href=\"").append(Html.esc(base)).append("/reports\">Sign in to the report page</a></p>");
    }
    if (requestId != null) {
      sb.append("<p class=\"ref\">Reference: ").append(Html.esc(requestId)).append("</p>");
    }
    return sb.append("</main></body></html>").toString();
  }

  private static StringBuilder head(String base, String title) {
    return new StringBuilder().append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        .append(Html.esc(title)).append("</title><link rel=\"stylesheet\" href=\"").append(Html.esc(base))
        .append("/reports/page.css\"></head><body><main>");
  }

  private static void header(StringBuilder sb, String base, PageSessions.PageSession s) {
    sb.append("<header><h1>Accounting reports</h1><form method=\"post\" action=\"").append(Html.esc(base))
        .append("/reports/logout\" class=\"logout\"><span id=\"who\">").append(Html.esc(s.displayName()))
        .append("</span> <input type=\"hidden\" name=\"csrf\" value=\"").append(Html.esc(s.csrf()))
        .append("\"><button type=\"submit\" id=\"logout\">Sign out</button></form></header>");
  }

  private static void form(StringBuilder sb, String base, Form f, String error) {
    sb.append("<form method=\"get\" action=\"").append(Html.esc(base)).append("/reports\" id=\"filters\">");
    if (error != null) {
      sb.append("<p class=\"error\" id=\"error\" role=\"alert\">").append(Html.esc(error)).append("</p>");
    }
    sb.append("<label>Period <input name=\"period\" id=\"period\" value=\"").append(Html.esc(f.period()))
        .append("\" placeholder=\"2026-11, 2026-11-05 or 2026-01..2026-06\"></label>")
        .append("<label>Metric <select name=\"metric\" id=\"metric\">");
    for (Metric m : Metric.values()) {
      sb.append("<option value=\"").append(m.wire()).append('"').append(m.wire().equals(f.metric()) ? " selected" : "")
          .append('>').append(m.wire()).append("</option>");
    }
    sb.append("</select></label><label>Facility <input name=\"facility\" id=\"facility\" value=\"")
        .append(Html.esc(f.facility())).append("\"></label><label>Community <input name=\"community\" "
            + "id=\"community\" value=\"").append(Html.esc(f.community())).append("\"></label>")
        .append("<button type=\"submit\" id=\"apply\">Show</button></form>");
  }

  private static String item(String id, String label, String value) {
    return "<div><dt>" + Html.esc(label) + "</dt><dd id=\"" + id + "\">" + Html.esc(value) + "</dd></div>";
  }

  private static List<SvgCharts.Bar> facilityBars(Data d) {
    Map<String, BigDecimal> percent = new java.util.HashMap<>();
    d.summary().facilityShares().forEach(f -> percent.put(f.facility() + "\u0000" + f.metric().wire(), f.percent()));
    List<SvgCharts.Bar> out = new ArrayList<>();
    for (ReportRow r : sorted(d.byFacility())) {
      String f = label(r.group().get(Dimension.FACILITY));
      BigDecimal p = percent.get(r.group().get(Dimension.FACILITY) + "\u0000" + r.metric().wire());
      out.add(new SvgCharts.Bar(f, r.value(), p == null ? null : p.toPlainString() + " %"));
    }
    return out;
  }

  private static List<SvgCharts.Bar> bars(List<ReportRow> rows, Dimension d) {
    return sorted(rows).stream().map(r -> new SvgCharts.Bar(label(r.group().get(d)), r.value(), null)).toList();
  }

  private static List<ReportRow> sorted(List<ReportRow> rows) {
    return rows.stream().sorted(Comparator.comparing(ReportRow::value).reversed()).limit(25).toList();
  }

  private static String label(String v) {
    return v == null ? "(none)" : v;
  }

  private static String bucket(ReportRow r, String interval) {
    String t = r.bucket().toString();
    return switch (interval) {
      case "hour" -> t.substring(0, 13);
      case "day" -> t.substring(0, 10);
      default -> t.substring(0, 7);
    };
  }

  static String duration(BigDecimal seconds) {
    long s = seconds.setScale(0, RoundingMode.HALF_UP).longValueExact();
    return String.format("%d h %02d min %02d s", s / 3600, (s % 3600) / 60, s % 60);
  }

  static final String CSS = "body{font-family:system-ui,sans-serif;margin:0;background:#f7fafc;color:#1a202c}"
      + "main{max-width:960px;margin:0 auto;padding:1rem}header{display:flex;justify-content:space-between;"
      + "align-items:center}form#filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;margin:1rem 0}"
      + "label{display:flex;flex-direction:column;font-size:.9rem}dl.summary{display:flex;gap:2rem}"
      + "dl.summary dd{font-size:1.6rem;margin:0}figure{margin:1rem 0;background:#fff;padding:.5rem;"
      + "overflow-x:auto}svg text{font-size:12px}svg text.axis{font-size:10px;fill:#4a5568}"
      + ".error{color:#c53030;font-weight:bold;width:100%}.ref{color:#718096;font-size:.8rem}";
}
