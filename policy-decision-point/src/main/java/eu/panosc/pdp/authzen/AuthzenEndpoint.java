package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import eu.panosc.pdp.log.DecisionRecorder;
import eu.panosc.pdp.subject.PairwiseSubjects;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * AuthZEN 1.0 over HTTPS: {@code POST /access/v1/evaluation}, {@code /access/v1/evaluations},
 * {@code /access/v1/search/{subject,resource,action}} (bearer scope {@code pdp:evaluate}) and
 * {@code GET /.well-known/authzen-configuration} (also at the root, RFC 8615 path-inserted). A thin
 * translation layer: parse, call {@link AuthzenService}, write.
 *
 * <p>The PDP decides at its own clock. A caller's {@code context.time} is honoured only when its token
 * also holds {@code pdp:simulate} (a what-if; the decision log marks such decisions simulated); without
 * it the time is ignored. Requests must be {@code Content-Type: application/json}; every error, 401 and
 * 403 included, is the spec's error message string.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN Authorization API 1.0</a>
 */
public final class AuthzenEndpoint {
  public static final String EVALUATE_SCOPE = "pdp:evaluate";
  /** Lets a caller's {@code context.time} decide (what-if questions about another moment). */
  public static final String SIMULATE_SCOPE = "pdp:simulate";
  private static final int MAX_BODY = 1024 * 1024;

  private final AuthzenService service;
  private final AuthzenRequestParser parser = new AuthzenRequestParser();
  private final URI base;
  private final ConsistencyGate consistency;
  private final PairwiseSubjects subjects;
  private final DecisionRecorder log;

  /**
   * {@code consistency} holds requests with a consistency token until this replica has caught up,
   * {@code subjects} turns pairwise subject ids into canonical ones, {@code log} gives every answer its
   * {@code context.id} and records it in the decision log.
   */
  public AuthzenEndpoint(AuthzenService service, URI base, ConsistencyGate consistency, PairwiseSubjects subjects,
      DecisionRecorder log) {
    this.service = Objects.requireNonNull(service, "service");
    this.base = Objects.requireNonNull(base, "base");
    this.consistency = Objects.requireNonNull(consistency, "consistency");
    this.subjects = Objects.requireNonNull(subjects, "subjects");
    this.log = Objects.requireNonNull(log, "log");
  }

  public void mount(Router router, BearerAuth auth) {
    router.get("/.well-known/authzen-configuration").handler(this::metadata);
    router.route("/access/v1/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY))
        .handler(AuthzenEndpoint::echoRequestId)
        .handler(auth.requireScopes(EVALUATE_SCOPE).rendering(AuthzenEndpoint::rejection))
        .handler(AuthzenEndpoint::requireJson).handler(consistency);
    router.post("/access/v1/evaluation").handler(rc -> {
      AccessRequest request = parser.evaluation(parser.body(rc.body().buffer()));
      evaluateOne(rc, "evaluation", clocked(rc, request));
    });
    router.post("/access/v1/evaluations").handler(rc -> {
      AuthzenRequestParser.Evaluations request = clocked(rc, parser.evaluations(parser.body(rc.body().buffer())));
      if (request.single() != null) {
        evaluateOne(rc, "evaluations", request.single());
        return;
      }
      canonical(request).map(resolved -> {
        List<Decision> decisions = service.evaluate(resolved);
        JsonArray items = new JsonArray();
        for (int i = 0; i < decisions.size(); i++) {
          Decision d = decisions.get(i);
          items.add(decision(d, log.decision(rc, "evaluations", i, resolved.items().get(i).request(), d)));
        }
        return new JsonObject().put("evaluations", items);
      }).onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
    router.post("/access/v1/search/resource").handler(rc -> {
      var parsed = search(rc, "resource");
      String type = parsed.request().resource().type();
      canonical(parsed).map(search -> {
        var page = search == null ? new AuthzenService.Page<String>(List.of(), "") : service.searchResources(search);
        return page(page, id -> new JsonObject().put("type", type).put("id", id))
            .put("context", searchContext(rc, "search/resource", (search == null ? parsed : search).request(), page));
      }).onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
    router.post("/access/v1/search/subject").handler(rc -> {
      var search = search(rc, "subject");
      var page = service.searchSubjects(search);
      String type = search.request().subject().type();
      write(rc, page(page, id -> new JsonObject().put("type", type).put("id", id))
          .put("context", searchContext(rc, "search/subject", search.request(), page)));
    });
    router.post("/access/v1/search/action").handler(rc -> {
      var parsed = search(rc, "action");
      canonical(parsed).map(search -> {
        var page = search == null ? new AuthzenService.Page<String>(List.of(), "") : service.searchActions(search);
        return page(page, name -> new JsonObject().put("name", name))
            .put("context", searchContext(rc, "search/action", (search == null ? parsed : search).request(), page));
      }).onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
  }

  /** The metadata document's handler, also served at the root ({@code /.well-known/authzen-configuration/pdp}). */
  public io.vertx.core.Handler<RoutingContext> metadataHandler() {
    return this::metadata;
  }

  /** A search of {@code kind}, its tokens bound to the caller, its time honoured as {@link #clocked} says. */
  private AuthzenRequestParser.Search search(RoutingContext rc, String kind) {
    AuthzenRequestParser.Search s = parser.search(kind, parser.body(rc.body().buffer()), caller(rc));
    return s.withRequest(clocked(rc, s.request()));
  }

  private static String caller(RoutingContext rc) {
    AccessTokenPrincipal p = BearerAuth.principal(rc);
    return p.clientId() != null ? p.clientId() : p.subject();
  }

  /**
   * The request as the PDP decides it: without the caller's {@code context.time} (so the PDP's clock
   * decides) unless the caller holds {@link #SIMULATE_SCOPE}. A request still holding a time after this
   * is a simulated decision.
   */
  static AccessRequest clocked(RoutingContext rc, AccessRequest r) {
    if (r == null || !r.context().containsKey("time") || BearerAuth.principal(rc).hasScope(SIMULATE_SCOPE)) {
      return r;
    }
    Map<String, Object> context = new HashMap<>(r.context());
    context.remove("time");
    return new AccessRequest(r.subject(), r.action(), r.actionProperties(), r.resource(), context);
  }

  private static AuthzenRequestParser.Evaluations clocked(RoutingContext rc, AuthzenRequestParser.Evaluations e) {
    List<AuthzenRequestParser.Item> items = new ArrayList<>(e.items().size());
    for (AuthzenRequestParser.Item i : e.items()) {
      items.add(new AuthzenRequestParser.Item(clocked(rc, i.request()), i.error(), i.status()));
    }
    return new AuthzenRequestParser.Evaluations(clocked(rc, e.single()), items, e.semantic());
  }

  /** AuthZEN 1.0 §HTTPS JSON Binding: requests MUST be {@code Content-Type: application/json}. */
  private static void requireJson(RoutingContext rc) {
    if (rc.request().method() != io.vertx.core.http.HttpMethod.POST) {
      rc.next();
      return;
    }
    String given = rc.request().getHeader("Content-Type");
    String media = given == null ? "" : given.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      throw AuthzenException.badRequest("Content-Type must be application/json");
    }
    rc.next();
  }

  /** AuthZEN 1.0 §Error Responses: a 401 or 403 body is an error message string. */
  private static void rejection(RoutingContext rc, int status, String detail) {
    rc.response().putHeader("Content-Type", "application/json").end(Json.encode(detail));
  }

  /** One decision, for the canonical subject (a pairwise one that cannot be resolved is denied). */
  private void evaluateOne(RoutingContext rc, String kind, AccessRequest request) {
    subjects.canonical(request).map(o -> {
      Decision d = o.ok() ? service.evaluate(o.request()) : o.denial();
      return decision(d, log.decision(rc, kind, null, o.ok() ? o.request() : request, d));
    }).onSuccess(body -> write(rc, body)).onFailure(rc::fail);
  }

  /** A search answer's {@code context}: the id under which the search is in the decision log. */
  private JsonObject searchContext(RoutingContext rc, String kind, AccessRequest request,
      AuthzenService.Page<String> page) {
    return new JsonObject().put("id", log.search(rc, kind, request, page.results().size(),
        !page.nextToken().isEmpty()));
  }

  /** The items with canonical subjects; an item whose pairwise subject cannot be resolved becomes an error item. */
  private Future<AuthzenRequestParser.Evaluations> canonical(AuthzenRequestParser.Evaluations e) {
    List<AccessRequest> requests = e.items().stream().map(AuthzenRequestParser.Item::request).toList();
    return subjects.canonical(requests).map(outcomes -> {
      List<AuthzenRequestParser.Item> items = new ArrayList<>(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        PairwiseSubjects.Outcome o = outcomes.get(i);
        items.add(o == null ? e.items().get(i) : o.ok() ? new AuthzenRequestParser.Item(o.request(), null, 0)
            : new AuthzenRequestParser.Item(null, o.message(), o.status()));
      }
      return new AuthzenRequestParser.Evaluations(null, items, e.semantic());
    });
  }

  /**
   * The search for the canonical subject; null when the subject is a pairwise id unknown at its facility
   * (it may act on nothing: an empty page). An aai-broker that cannot answer makes the search a 503.
   */
  private Future<AuthzenRequestParser.Search> canonical(AuthzenRequestParser.Search search) {
    return subjects.canonical(search.request()).compose(o -> {
      if (o.ok()) {
        return Future.succeededFuture(search.withRequest(o.request()));
      }
      return o.status() == 404 ? Future.succeededFuture(null)
          : Future.failedFuture(new AuthzenException(o.status(), o.message()));
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
