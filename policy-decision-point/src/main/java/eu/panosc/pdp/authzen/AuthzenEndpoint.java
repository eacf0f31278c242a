package eu.panosc.pdp.authzen;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.log.DecisionRecorder;
import eu.panosc.pdp.store.ConsistencyToken;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.RequestIds;
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
 * translation layer: parse, call {@link AuthzenDecisions} (pairwise subjects, decisions, the decision log), write.
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

  private final AuthzenDecisions decisions;
  private final AuthzenRequestParser parser = new AuthzenRequestParser();
  private final URI base;
  private final ConsistencyGate consistency;

  /**
   * {@code decisions} resolves pairwise subjects, decides and records every answer in the decision log;
   * {@code consistency} holds requests with a consistency token until this replica has caught up.
   */
  public AuthzenEndpoint(AuthzenDecisions decisions, URI base, ConsistencyGate consistency) {
    this.decisions = Objects.requireNonNull(decisions, "decisions");
    this.base = Objects.requireNonNull(base, "base");
    this.consistency = Objects.requireNonNull(consistency, "consistency");
  }

  public void mount(Router router, BearerAuth auth) {
    router.get("/.well-known/authzen-configuration").handler(this::metadata);
    router.route("/access/v1/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY))
        .handler(AuthzenEndpoint::echoRequestId)
        .handler(auth.requireScopes(EVALUATE_SCOPE).rendering(AuthzenEndpoint::rejection))
        .handler(AuthzenEndpoint::requireJson).handler(this::consistent);
    router.post("/access/v1/evaluation").handler(rc -> {
      AccessRequest request = clocked(rc, parser.evaluation(parser.body(rc.body().buffer())));
      decisions.evaluate(caller(rc), "evaluation", request).map(a -> AnswerJson.decision(a.decision(), a.id()))
          .onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
    router.post("/access/v1/evaluations").handler(rc -> {
      AuthzenRequestParser.Evaluations request = clocked(rc, parser.evaluations(parser.body(rc.body().buffer())));
      if (request.single() != null) {
        decisions.evaluate(caller(rc), "evaluations", request.single())
            .map(a -> AnswerJson.decision(a.decision(), a.id()))
            .onSuccess(body -> write(rc, body)).onFailure(rc::fail);
        return;
      }
      decisions.evaluate(caller(rc), request).map(AnswerJson::evaluations)
          .onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
    router.post("/access/v1/search/resource").handler(rc -> {
      var search = search(rc, "resource");
      String type = search.request().resource().type();
      decisions.searchResources(caller(rc), search)
          .map(a -> page(a, id -> new JsonObject().put("type", type).put("id", id)))
          .onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
    router.post("/access/v1/search/subject").handler(rc -> {
      var search = search(rc, "subject");
      String type = search.request().subject().type();
      decisions.searchSubjects(caller(rc), search)
          .map(a -> page(a, id -> new JsonObject().put("type", type).put("id", id)))
          .onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
    router.post("/access/v1/search/action").handler(rc -> {
      var search = search(rc, "action");
      decisions.searchActions(caller(rc), search).map(a -> page(a, name -> new JsonObject().put("name", name)))
          .onSuccess(body -> write(rc, body)).onFailure(rc::fail);
    });
  }

  /** Holds a request with {@code X-Consistency-Token} until this replica holds the write it names. */
  private void consistent(RoutingContext rc) {
    consistency.admit(rc.request().getHeader(ConsistencyToken.HEADER)).onSuccess(v -> rc.next()).onFailure(e -> {
      if (e instanceof AuthzenException a && a.status() == 503) {
        rc.response().putHeader("Retry-After", "1");
      }
      rc.fail(e);
    });
  }

  /** Who asks, for the decision log: the token's client_id and the X-Request-ID the answer carries. */
  private static DecisionRecorder.Caller caller(RoutingContext rc) {
    AccessTokenPrincipal principal = rc.get(AccessTokenPrincipal.CONTEXT_KEY);
    return new DecisionRecorder.Caller(principal == null ? null : principal.clientId(),
        rc.response().headers().get(RequestIds.HEADER));
  }

  /** The metadata document's handler, also served at the root ({@code /.well-known/authzen-configuration/pdp}). */
  public io.vertx.core.Handler<RoutingContext> metadataHandler() {
    return this::metadata;
  }

  /** A search of {@code kind}, its tokens bound to the caller, its time honoured as {@link #clocked} says. */
  private AuthzenRequestParser.Search search(RoutingContext rc, String kind) {
    AuthzenRequestParser.Search s = parser.search(kind, parser.body(rc.body().buffer()), binding(rc));
    return s.withRequest(clocked(rc, s.request()));
  }

  /** Whom a search's page tokens are bound to: the token's client_id, else its subject. */
  private static String binding(RoutingContext rc) {
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

  /** A search answer: the page's results and token, and in {@code context} the id of its decision log entry. */
  private static JsonObject page(AuthzenDecisions.SearchAnswer answer,
      java.util.function.Function<String, JsonObject> item) {
    AuthzenService.Page<String> page = answer.page();
    JsonArray results = new JsonArray();
    page.results().forEach(r -> results.add(item.apply(r)));
    return new JsonObject().put("results", results)
        .put("page", new JsonObject().put("next_token", page.nextToken()).put("count", page.results().size()))
        .put("context", new JsonObject().put("id", answer.id()));
  }

  private static void write(RoutingContext rc, JsonObject body) {
    rc.response().putHeader("Cache-Control", "no-store");
    rc.json(body);
  }

  private static void write(RoutingContext rc, io.vertx.core.buffer.Buffer body) {
    rc.response().putHeader("Cache-Control", "no-store").putHeader("Content-Type", "application/json").end(body);
  }
}
