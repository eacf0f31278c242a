package eu.panosc.accounting.report;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code GET /v1/reports} (scope {@code accounting:read}): usage summed from the rollups over a period, grouped
 * by the requested dimensions and metric, as JSON or, with {@code Accept: text/csv}, as CSV. Rows with late
 * records are flagged.
 */
public final class ReportEndpoint {
  public static final String SCOPE = "accounting:read";
  static final String CSV = "text/csv";

  /** CSV answers: every record acknowledged before this instant is in the report. */
  public static final String HEADER_COMPLETE_UNTIL = "Accounting-Complete-Until";
  /** CSV answers: acknowledged records not rolled up yet (not in the report). */
  public static final String HEADER_PENDING_RECORDS = "Accounting-Pending-Records";
  private final ReportService service;

  public ReportEndpoint(ReportService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  public void mount(Router router, BearerAuth auth) {
    router.get("/v1/reports").handler(auth.requireScopes(SCOPE)).handler(this::report);
  }

  private void report(RoutingContext rc) {
    boolean csv;
    try {
      csv = wantsCsv(rc.request().getHeader("Accept"));
    } catch (ApiException e) {
      rc.fail(e);
      return;
    }
    Future.succeededFuture().map(v -> parse(rc.queryParams()))
        .compose(q -> service.awaitRollups().compose(status -> service.rows(q).compose(rows -> csv
            ? Future.succeededFuture(writeCsv(rc, q, rows, status))
            : service.summary(q).map(summary -> writeJson(rc, q, rows, summary, status)))))
        .onFailure(rc::fail);
  }

  /** The query of a request's parameters (the API's and the report page's). */
  public static ReportQuery parse(MultiMap params) {
    return ReportRequestParser.parse(params.get("period"), params.getAll("groupBy"), params.getAll("metric"),
        d -> params.getAll(d.wire()), params.get("interval"));
  }

  /**
   * CSV when the client names {@code text/csv} with a weight above that of an explicit {@code application/json}
   * (wildcards alone mean JSON); JSON without an Accept header; 406 when it accepts neither.
   */
  static boolean wantsCsv(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    double json = 0;
    double csv = 0;
    boolean wildcardJson = false;
    boolean wildcardCsv = false;
    for (String part : accept.split(",")) {
      String[] pieces = part.split(";");
      String type = pieces[0].trim().toLowerCase(Locale.ROOT);
      double q = quality(pieces);
      if (!(q > 0)) {
        continue; // q=0: not acceptable (RFC 9110 section 12.4.2)
      }
      switch (type) {
        case "application/json" -> json = Math.max(json, q);
        case CSV -> csv = Math.max(csv, q);
        case "application/*" -> wildcardJson = true;
        case "text/*" -> wildcardCsv = true;
        case "*/*" -> wildcardJson = wildcardCsv = true;
        default -> { }
      }
    }
    if (csv > 0 && csv > json) {
      return true;
    }
    if (json > 0 || wildcardJson) {
      return false;
    }
    if (wildcardCsv) {
      return true;
    }
    throw new ApiException(Problem.of(406, "Not Acceptable",
        "Reports are available as application/json and text/csv."));
  }

  private static double quality(String[] pieces) {
    for (int i = 1; i < pieces.length; i++) {
      String p = pieces[i].trim();
      if (p.length() > 2 && (p.startsWith("q=") || p.startsWith("Q="))) {
        try {
          return Double.parseDouble(p.substring(2));
        } catch (NumberFormatException e) {
          return 1;
        }
      }
    }
    return 1;
  }

  private static Void writeJson(RoutingContext rc, ReportQuery q, List<ReportRow> rows, ReportSummary summary,
      RollupStatus status) {
    rc.response().putHeader("Cache-Control", "no-store");
    rc.json(json(q, rows, summary).put("completeUntil", status.completeUntil().toString())
        .put("pendingRecords", status.pendingRecords()));
    return null;
  }

  /** The JSON report document. */
  public static JsonObject json(ReportQuery q, List<ReportRow> rows, ReportSummary summary) {
    JsonArray out = new JsonArray();
    boolean late = false;
    for (ReportRow r : rows) {
      JsonObject o = new JsonObject();
      if (q.timeSeries()) {
        o.put("bucket", r.bucket().toString());
      }
      for (Dimension d : q.groupBy()) {
        o.put(d.wire(), r.group().get(d));
      }
      o.put("metric", r.metric().wire()).put("value", r.value()).put("lateValue", r.lateValue())
          .put("late", r.late()).put("uniqueUsers", r.uniqueUsers()).put("uniqueProposals", r.uniqueProposals());
      out.add(o);
      late |= r.late();
    }
    JsonObject filters = new JsonObject();
    q.filters().forEach((d, values) -> filters.put(d.wire(), new JsonArray(values)));
    JsonObject doc = new JsonObject().put("from", q.from().toString()).put("to", q.to().toString())
        .put("granularity", q.granularity().wire())
        .put("interval", q.timeSeries() ? q.granularity().wire() : null)
        .put("groupBy", new JsonArray(q.groupBy().stream().map(Dimension::wire).toList()))
        .put("filters", filters).put("late", late).put("rows", out);
    if (summary != null) {
      doc.put("summary", summaryJson(summary));
    }
    return doc;
  }

  private static JsonObject summaryJson(ReportSummary s) {
    JsonArray communities = new JsonArray();
    s.cpuCoreHoursByCommunity().forEach(c -> communities.add(new JsonObject().put("community", c.community())
        .put("value", c.value())));
    JsonArray shares = new JsonArray();
    s.facilityShares().forEach(f -> shares.add(new JsonObject().put("facility", f.facility())
        .put("metric", f.metric().wire()).put("value", f.value()).put("percent", f.percent())));
    return new JsonObject().put("activeUsers", s.business().activeUsers()).put("newUsers", s.business().newUsers())
        .put("sessions", s.business().sessions())
        .put("medianSessionSeconds", s.business().medianSessionSeconds())
        .put("cpuCoreHoursByCommunity", communities).put("facilityShares", shares);
  }

  private static Void writeCsv(RoutingContext rc, ReportQuery q, List<ReportRow> rows, RollupStatus status) {
    statusHeaders(rc.response(), status);
    rc.response().putHeader("Content-Type", CSV + "; charset=utf-8; header=present")
        .putHeader("Content-Disposition", "attachment; filename=\"accounting-report.csv\"")
        .putHeader("Cache-Control", "no-store").end(csv(q, rows));
    return null;
  }

  /** The JSON answer's {@code completeUntil} and {@code pendingRecords} for a CSV answer, as response headers. */
  public static void statusHeaders(io.vertx.core.http.HttpServerResponse response, RollupStatus status) {
    response.putHeader(HEADER_COMPLETE_UNTIL, status.completeUntil().toString())
        .putHeader(HEADER_PENDING_RECORDS, Long.toString(status.pendingRecords()));
  }

  /** The CSV report document (RFC 4180, header line, CRLF). */
  public static String csv(ReportQuery q, List<ReportRow> rows) {
    StringBuilder sb = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("from", "to"));
    if (q.timeSeries()) {
      header.add("bucket");
    }
    q.groupBy().forEach(d -> header.add(d.wire()));
    header.addAll(List.of("metric", "value", "late_value", "late", "unique_users", "unique_proposals"));
    sb.append(Csv.line(header));
    for (ReportRow r : rows) {
      List<String> cells = new ArrayList<>(List.of(q.from().toString(), q.to().toString()));
      if (q.timeSeries()) {
        cells.add(r.bucket().toString());
      }
      q.groupBy().forEach(d -> cells.add(r.group().get(d)));
      cells.addAll(List.of(r.metric().wire(), r.value().toPlainString(), r.lateValue().toPlainString(),
          Boolean.toString(r.late()), Long.toString(r.uniqueUsers()), Long.toString(r.uniqueProposals())));
      sb.append(Csv.line(cells));
    }
    return sb.toString();
  }
}
