package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.filter.DatasetFilters;
import eu.panosc.pdp.filter.SqlColumns;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/filters/datasets} (bearer scope {@code pdp:evaluate}): for a subject and an action, the
 * condition a catalogue adds to its own dataset query so that it lists exactly what the PDP would permit,
 * without asking per row. Answers SQL with parameters and the same condition as JSON. The filter is for
 * the PDP's own clock; {@code context.time} is honoured only with scope {@code pdp:simulate}, as on the
 * AuthZEN routes.
 */
public final class FilterEndpoint {
  private static final int MAX_BODY = 64 * 1024;
  private final DatasetFilters filters;
  private final AuthzenRequestParser parser = new AuthzenRequestParser();

  public FilterEndpoint(DatasetFilters filters) {
    this.filters = Objects.requireNonNull(filters, "filters");
  }

  public void mount(Router router, BearerAuth auth) {
    router.route("/v1/filters/*").handler(auth.requireScopes("pdp:evaluate"));
    router.post("/v1/filters/datasets").handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::datasets);
  }

  private void datasets(RoutingContext rc) {
    JsonObject body;
    AccessRequest request;
    try {
      body = parser.body(rc.body().buffer());
      JsonObject withResource = body.copy();
      Object resource = body.getValue("resource");
      if (resource == null) {
        withResource.put("resource", new JsonObject().put("type", "dataset"));
      } else if (resource instanceof JsonObject r && !r.containsKey("type")) {
        withResource.put("resource", r.copy().put("type", "dataset"));
      }
      request = parser.search("resource", withResource).request();
      if (request.context().containsKey("time")
          && !BearerAuth.principal(rc).hasScope(eu.panosc.pdp.authzen.AuthzenEndpoint.SIMULATE_SCOPE)) {
        Map<String, Object> context = new HashMap<>(request.context());
        context.remove("time");
        request = new AccessRequest(request.subject(), request.action(), request.actionProperties(),
            request.resource(), context);
      }
    } catch (AuthzenException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    if (!"dataset".equals(request.resource().type())) {
      throw ApiException.invalidField("resource.type", "must be dataset (or absent)");
    }
    SqlColumns columns = columns(body.getValue("sql"));

    DatasetFilters.DatasetFilter filter;
    try {
      filter = filters.compile(request.subject(), request.action(), request.actionProperties(),
          request.resource().properties(), request.context());
    } catch (DatasetFilters.NotExportable e) {
      throw new ApiException(new Problem(Problem.TYPE_BASE + "filter-not-expressible",
          "Policy cannot be exported as a filter", 422, e.getMessage(), Map.of("facility", e.facility())));
    }
    List<Object> params = new ArrayList<>();
    String sql = filter.expr().toSql(columns, params);
    JsonArray values = new JsonArray();
    JsonArray types = new JsonArray();
    for (Object p : params) {
      if (p instanceof Instant t) {
        values.add(DateTimeFormatter.ISO_INSTANT.format(t));
        types.add("timestamp");
      } else {
        values.add(p);
        types.add("string");
      }
    }
    JsonObject answer = new JsonObject()
        .put("time", DateTimeFormatter.ISO_INSTANT.format(filter.time()))
        .put("sql", new JsonObject().put("where", sql).put("params", values).put("paramTypes", types))
        .put("filter", filter.expr().toJson())
        .put("policies", new JsonObject(new HashMap<>(filter.policies())));
    rc.response().putHeader("Cache-Control", "no-store");
    rc.json(answer);
  }

  private static SqlColumns columns(Object sql) {
    if (sql == null) {
      return SqlColumns.DEFAULT;
    }
    if (!(sql instanceof JsonObject o)) {
      throw ApiException.invalidField("sql", "must be an object");
    }
    for (String k : o.fieldNames()) {
      if (!k.equals("columns") && !k.equals("placeholders")) {
        throw ApiException.invalidField("sql." + k, "unknown field (expected columns, placeholders)");
      }
    }
    boolean dollar = false;
    Object ph = o.getValue("placeholders");
    if (ph != null) {
      if (!"?".equals(ph) && !"$n".equals(ph)) {
        throw ApiException.invalidField("sql.placeholders", "must be \"?\" (JDBC) or \"$n\" (PostgreSQL)");
      }
      dollar = "$n".equals(ph);
    }
    Map<String, String> given = new HashMap<>();
    Object cols = o.getValue("columns");
    if (cols != null) {
      if (!(cols instanceof JsonObject c)) {
        throw ApiException.invalidField("sql.columns", "must be an object");
      }
      for (String k : c.fieldNames()) {
        if (!(c.getValue(k) instanceof String v)) {
          throw ApiException.invalidField("sql.columns." + k, "must be a string");
        }
        given.put(k, v);
      }
    }
    try {
      return SqlColumns.of(given, dollar);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField("sql.columns", e.getMessage());
    }
  }
}
