package eu.panosc.accounting.report;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.store.AccountingStore;
import eu.panosc.accounting.store.BusinessMetricsStore;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reports without HTTP: the rows of a query (a time series gets one row per bucket for every group and metric that
 * has usage in the period, zero where a bucket has none) and the period's business-model summary.
 */
public final class ReportService {
  private final AccountingStore store;
  private final BusinessMetricsStore business;

  public ReportService(AccountingStore store, BusinessMetricsStore business) {
    this.store = Objects.requireNonNull(store, "store");
    this.business = Objects.requireNonNull(business, "business");
  }

  /**
   * Waits (bounded) until the rollups hold every record acknowledged before the call; call it before reading rows
   * or the summary. The status says how complete the rollups are (records still pending when the wait ended first).
   */
  public Future<RollupStatus> awaitRollups() {
    return store.awaitRollups();
  }

  /** The rows of {@code q}; a time series is filled with zero rows so that every bucket appears. */
  public Future<List<ReportRow>> rows(ReportQuery q) {
    return store.report(q).map(rows -> q.timeSeries() ? fill(q, rows) : rows);
  }

  /** Active and new users, sessions and their median length, core-hours per community, facility shares. */
  public Future<ReportSummary> summary(ReportQuery q) {
    Future<List<ReportRow>> communities = store.report(q.regrouped(List.of(Dimension.COMMUNITY),
        List.of(Metric.CPU_CORE_HOURS)));
    Future<List<ReportRow>> facilities = store.report(q.regrouped(List.of(Dimension.FACILITY), q.metrics()));
    return business.businessMetrics(q).compose(business -> communities.compose(c -> facilities.map(f -> {
      List<ReportSummary.CommunityValue> byCommunity = c.stream()
          .map(r -> new ReportSummary.CommunityValue(r.group().get(Dimension.COMMUNITY), r.value())).toList();
      return new ReportSummary(business, byCommunity, shares(f));
    })));
  }

  static List<ReportSummary.FacilityShare> shares(List<ReportRow> byFacility) {
    Map<Metric, Map<String, BigDecimal>> perMetric = new EnumMap<>(Metric.class);
    for (ReportRow r : byFacility) {
      perMetric.computeIfAbsent(r.metric(), m -> new LinkedHashMap<>()).put(r.group().get(Dimension.FACILITY),
          r.value());
    }
    List<ReportSummary.FacilityShare> out = new ArrayList<>();
    perMetric.forEach((metric, values) -> Shares.percent(values).forEach((facility, percent) ->
        out.add(new ReportSummary.FacilityShare(facility, metric, values.get(facility), percent))));
    return out;
  }

  /** Every bucket of the period for every (group, metric) present, in bucket order; absent ones as zero rows. */
  static List<ReportRow> fill(ReportQuery q, List<ReportRow> rows) {
    record Key(Map<Dimension, String> group, Metric metric) {}
    Set<Key> keys = new LinkedHashSet<>();
    Map<Instant, Map<Key, ReportRow>> byBucket = new LinkedHashMap<>();
    for (ReportRow r : rows) {
      Key k = new Key(r.group(), r.metric());
      keys.add(k);
      byBucket.computeIfAbsent(r.bucket(), b -> new LinkedHashMap<>()).put(k, r);
    }
    if (keys.isEmpty() && q.groupBy().isEmpty()) {
      q.metrics().forEach(m -> keys.add(new Key(Map.of(), m)));
    }
    List<ReportRow> out = new ArrayList<>();
    for (Instant b = q.from(); b.isBefore(q.to()); b = q.granularity().next(b)) {
      Map<Key, ReportRow> present = byBucket.getOrDefault(b, Map.of());
      for (Key k : keys) {
        ReportRow r = present.get(k);
        out.add(r != null ? r : new ReportRow(b, k.group(), k.metric(), BigDecimal.ZERO, BigDecimal.ZERO, false, 0,
            0));
      }
    }
    return out;
  }
}
