package eu.panosc.accounting.web;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.report.ReportRequestParser;
import eu.panosc.accounting.report.ReportService;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the report page shows for a filter form: the period's summary, usage over time (hour buckets for up to two
 * days, day buckets for up to 62 days, else months), and usage by facility, community and proposal; all for one
 * metric and the form's facility and community. No HTTP types.
 */
final class ReportPageService {
  private final ReportService reports;
  private final Clock clock;

  ReportPageService(ReportService reports, Clock clock) {
    this.reports = Objects.requireNonNull(reports, "reports");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The form with defaults filled in: this month (UTC) and core-hours. */
  ReportPageView.Form withDefaults(String period, String metric, String facility, String community) {
    return new ReportPageView.Form(blank(period) ? YearMonth.now(clock.withZone(ZoneOffset.UTC)).toString() : period,
        blank(metric) ? Metric.CPU_CORE_HOURS.wire() : metric, facility == null ? "" : facility,
        community == null ? "" : community);
  }

  /** The whole-period query of the form; throws {@code InvalidInputException} naming the field. */
  ReportQuery query(ReportPageView.Form f) {
    if (Metric.parse(f.metric()).isEmpty()) {
      throw new InvalidInputException("metric", "choose one of " + Metric.names());
    }
    return ReportRequestParser.parse(f.period(), List.of(), List.of(f.metric()), d -> filter(f, d), null);
  }

  Future<ReportPageView.Data> data(ReportPageView.Form f) {
    ReportQuery q = query(f);
    String interval = interval(q);
    ReportQuery series = ReportRequestParser.parse(f.period(), List.of(), List.of(f.metric()), d -> filter(f, d),
        interval);
    List<Metric> metric = q.metrics();
    return reports.awaitRollups().compose(status -> reports.summary(q).compose(summary -> reports.rows(series).compose(time ->
        reports.rows(q.regrouped(List.of(Dimension.FACILITY), metric)).compose(facilities ->
            reports.rows(q.regrouped(List.of(Dimension.COMMUNITY), metric)).compose(communities ->
                reports.rows(q.regrouped(List.of(Dimension.PROPOSAL), metric)).map(proposals ->
                    new ReportPageView.Data(summary, time, interval, facilities, communities, proposals,
                        status)))))));
  }

  /** The CSV link's query: the form's period, metric and filters, by facility, community and proposal. */
  static String csvQuery(ReportPageView.Form f) {
    StringBuilder sb = new StringBuilder("period=").append(OidcLogin.enc(f.period())).append("&metric=")
        .append(OidcLogin.enc(f.metric())).append("&groupBy=facility,community,proposal");
    if (!blank(f.facility())) {
      sb.append("&facility=").append(OidcLogin.enc(f.facility()));
    }
    if (!blank(f.community())) {
      sb.append("&community=").append(OidcLogin.enc(f.community()));
    }
    return sb.toString();
  }

  static String interval(ReportQuery q) {
    Duration span = Duration.between(q.from(), q.to());
    if (q.granularity() == Granularity.HOUR || span.compareTo(Duration.ofDays(2)) <= 0) {
      return Granularity.HOUR.wire();
    }
    if (q.granularity() == Granularity.DAY || span.compareTo(Duration.ofDays(62)) <= 0) {
      return Granularity.DAY.wire();
    }
    return Granularity.MONTH.wire();
  }

  private static List<String> filter(ReportPageView.Form f, Dimension d) {
    Map<Dimension, String> values = Map.of(Dimension.FACILITY, f.facility(), Dimension.COMMUNITY, f.community());
    String v = values.get(d);
    return blank(v) ? List.of() : List.of(v);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
