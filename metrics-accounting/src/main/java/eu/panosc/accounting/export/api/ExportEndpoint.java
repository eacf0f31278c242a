package eu.panosc.accounting.export.api;

import eu.panosc.accounting.export.apel.ApelExport;
import eu.panosc.accounting.export.apel.ApelMessage;
import eu.panosc.accounting.export.eosc.EoscExport;
import eu.panosc.accounting.export.eosc.EoscRecord;
import eu.panosc.accounting.export.eosc.EoscSettings;
import eu.panosc.accounting.export.eosc.MetricDefinition;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.RollupsBehindException;
import eu.panosc.accounting.report.Period;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /v1/exports/eosc} (the EOSC Accounting Service's record shape, JSON) and {@code GET /v1/exports/apel}
 * (an APEL cloud message, text), both with scope {@code accounting:read}.
 */
public final class ExportEndpoint {
  public static final String SCOPE = "accounting:read";
  public static final String APEL_MEDIA_TYPE = "text/plain; charset=utf-8";

  private final EoscExport eosc;
  private final ApelExport apel;

  public ExportEndpoint(EoscExport eosc, ApelExport apel) {
    this.eosc = Objects.requireNonNull(eosc, "eosc");
    this.apel = Objects.requireNonNull(apel, "apel");
  }

  public void mount(Router router, BearerAuth auth) {
    router.get("/v1/exports/eosc").handler(auth.requireScopes(SCOPE)).handler(this::eosc);
    router.get("/v1/exports/apel").handler(auth.requireScopes(SCOPE)).handler(this::apel);
  }

  private void eosc(RoutingContext rc) {
    Future.succeededFuture().map(v -> ExportRequestParser.period(rc.queryParams()))
        .compose(p -> eosc.records(p).map(rs -> writeEosc(rc, p, rs))).onFailure(e -> {
          if (e instanceof RollupsBehindException behind) {
            rc.response().putHeader("Retry-After", "5");
            rc.fail(ApiException.unavailable(behind.getMessage()));
          } else {
            rc.fail(e);
          }
        });
  }

  private void apel(RoutingContext rc) {
    Future.succeededFuture().map(v -> ExportRequestParser.month(rc.queryParams())).compose(apel::records)
        .map(rs -> {
          rc.response().putHeader("Content-Type", APEL_MEDIA_TYPE).putHeader("Cache-Control", "no-store")
              .end(ApelMessage.write(rs));
          return null;
        }).onFailure(rc::fail);
  }

  private Void writeEosc(RoutingContext rc, Period p, List<EoscRecord> records) {
    EoscSettings s = eosc.settings();
    JsonArray definitions = new JsonArray();
    for (Metric m : Metric.values()) {
      MetricDefinition d = MetricDefinition.of(m);
      definitions.add(new JsonObject().put("metric", m.wire()).put("metric_definition_id",
          s.metricDefinitions().get(m)).put("metric_name", d.name()).put("metric_description", d.description())
          .put("unit_type", d.unitType()).put("metric_type", d.metricType()));
    }
    Map<String, JsonObject> installations = new LinkedHashMap<>();
    JsonArray out = new JsonArray();
    for (EoscRecord r : records) {
      installations.computeIfAbsent(r.facility() + "/" + r.installation(), k -> new JsonObject()
          .put("facility", r.facility()).put("installation", r.installation())
          .put("installation_id", r.installationId()));
      JsonObject o = new JsonObject().put("facility", r.facility()).put("installation", r.installation())
          .put("metric", r.metric().wire()).put("installation_id", r.installationId())
          .put("metric_definition_id", r.metricDefinitionId())
          .put("time_period_start", r.periodStart().toString()).put("time_period_end", r.periodEnd().toString())
          .put("value", r.value());
      if (r.groupId() != null) {
        o.put("group_id", r.groupId());
      }
      out.add(o);
    }
    rc.response().putHeader("Cache-Control", "no-store");
    rc.json(new JsonObject().put("from", p.from().toString()).put("to", p.to().toString())
        .put("granularity", p.granularity().wire()).put("metric_definitions", definitions)
        .put("installations", new JsonArray(List.copyOf(installations.values()))).put("records", out));
    return null;
  }
}
