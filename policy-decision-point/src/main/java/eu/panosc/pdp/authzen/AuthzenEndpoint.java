package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.Decision;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.RequestIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * AuthZEN 1.0 over HTTPS: {@code POST /access/v1/evaluation}, {@code /access/v1/evaluations},
 * {@code /access/v1/search/{subject,resource,action}} (bearer scope {@code pdp:evaluate}) and
 * {@code GET /.well-known/authzen-configuration}. A thin translation layer: parse, call
 * {@link AuthzenService}, write.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN Authorization API 1.0</a>
 */
public final class AuthzenEndpoint {
  public static final String EVALUATE_SCOPE = "pdp:evaluate";
  private static final int MAX_BODY = 1024 * 1024;

  private final AuthzenService service;
  private final AuthzenRequestParser parser = new AuthzenRequestParser();
  private final URI base;
  private final ConsistencyGate consistency;

  public AuthzenEndpoint(AuthzenService service, URI base, ConsistencyGate consistency) {
    this.service = Objects.requireNonNull(service, "service");
    this.base = Objects.requireNonNull(base, "base");
    this.consistency = Objects.requireNonNull(consistency, "consistency");
  }

  public void mount(Router router, BearerAuth auth) {
    router.get("/.well-known/authzen-configuration").handler(this::metadata);
    router.route("/access/v1/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY))
        .handler(AuthzenEndpoint::echoRequestId).handler(auth.requireScopes(EVALUATE_SCOPE)).handler(consistency);
    router.post("/access/v1/evaluation").handler(rc -> {
      Decision d = service.evaluate(parser.evaluation(parser.body(rc.body().buffer())));
      write(rc, decision(d, "0"));
    });
    router.post("/access/v1/evaluations").handler(rc -> {
      AuthzenRequestParser.Evaluations request = parser.evaluations(parser.body(rc.body().buffer()));
      if (request.single() != null) {
        write(rc, decision(service.evaluate(request.single()), "0"));
        return;
      }
      List<Decision> decisions = service.evaluate(request);
      JsonArray items = new JsonArray();
      for (int i = 0; i < decisions.size(); i++) {
        items.add(decision(decisions.get(i), Integer.toString(i)));
      }
      write(rc, new JsonObject().put("evaluations", items));
    });
    router.post("/access/v1/search/resource").handler(rc -> {
      var search = parser.search("resource", parser.body(rc.body().buffer()));
      var page = service.searchResources(search);
      String type = search.request().resource().type();
      write(rc, page(page, id -> new JsonObject().put("type", type).put("id", id)));
    });
    router.post("/access/v1/search/subject").handler(rc -> {
      var search = parser.search("subject", parser.body(rc.body().buffer()));
      var page = service.searchSubjects(search);
      String type = search.request().subject().type();
      write(rc, page(page, id -> new JsonObject().put("type", type).put("id", id)));
    });
    router.post("/access/v1/search/action").handler(rc -> {
      var search = parser.search("action", parser.body(rc.body().buffer()));
      write(rc, page(service.searchActions(search), name -> new JsonObject().put("name", name)));
    });
  }

  /**
   * AuthZEN: a PDP MUST answer with the caller's X-Request-ID unchanged. The platform keeps only ids
   * that are safe tokens; here any printable value is echoed as given.
   */
  private static void echoRequestId(RoutingContext rc) {
    String given = rc.request().getHeader(RequestIds.HEADER);
    if (given != null && given.length() <= 1024 && given.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      rc.response().putHeader(RequestIds.HEADER, given);
    }
    rc.next();
  }

  private void metadata(RoutingContext rc) {
    String b = base.toString();
    JsonObject json = new JsonObject()
        .put("policy_decision_point", b)
        .put("access_evaluation_endpoint", b + "/access/v1/evaluation")
        .put("access_evaluations_endpoint", b + "/access/v1/evaluations")
        .put("search_subject_endpoint", b + "/access/v1/search/subject")
        .put("search_resource_endpoint", b + "/access/v1/search/resource")
        .put("search_action_endpoint", b + "/access/v1/search/action");
    rc.response().putHeader("Cache-Control", "public, max-age=3600");
    rc.json(json);
  }

  static JsonObject decision(Decision d, String id) {
    JsonObject admin = new JsonObject();
    if (d.policy() != null) {
      admin.put("policy", d.policy());
    }
    if (d.rule() != null) {
      admin.put("rule", d.rule());
    }
    admin.put("relation", d.relation());
    JsonObject context = new JsonObject().put("id", id).put("reason_admin", admin)
        .put("reason_user", new JsonObject().put("en", d.reasonUser()));
    if (d.failed()) {
      context.put("error", new JsonObject().put("status", d.errorStatus()).put("message", d.errorMessage()));
    }
    return new JsonObject().put("decision", d.permit()).put("context", context);
  }

  private static JsonObject page(AuthzenService.Page<String> page, java.util.function.Function<String, JsonObject> item) {
    JsonArray results = new JsonArray();
    page.results().forEach(r -> results.add(item.apply(r)));
    return new JsonObject().put("results", results)
        .put("page", new JsonObject().put("next_token", page.nextToken()).put("count", page.results().size()));
  }

  private static void write(RoutingContext rc, JsonObject body) {
    rc.response().putHeader("Cache-Control", "no-store");
    rc.json(body);
  }
}
