package eu.panosc.broker.api;

import eu.panosc.broker.cull.Notice;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Session;
import eu.panosc.broker.session.BrokerException;
import eu.panosc.broker.session.SessionService;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.http.Problem;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.Objects;

/**
 * The broker's user API, every route behind a bearer token from the aai-broker whose audience is the broker:
 * {@code GET /v1/images}, {@code GET /v1/flavours} (what the caller may use), {@code POST /v1/sessions} (202 with the
 * session and, this once, its access secret), {@code GET /v1/sessions} (own; all with scope {@code broker:admin}),
 * {@code GET /v1/sessions/{id}}, {@code DELETE /v1/sessions/{id}} (stop). Refusals are problem+json: 400 naming the
 * field (unknown image or flavour too), 403 naming the dataset the PDP refused, 404, 409 naming the limit.
 */
public final class SessionsEndpoint {
  static final String FORBIDDEN_TYPE = Problem.TYPE_BASE + "dataset-forbidden";
  static final String QUOTA_TYPE = Problem.TYPE_BASE + "quota-exceeded";

  private final SessionService service;
  private volatile java.util.function.Function<java.util.List<Session>,
      io.vertx.core.Future<Map<String, java.util.List<Notice>>>> notices =
      list -> io.vertx.core.Future.succeededFuture(Map.of());

  public SessionsEndpoint(SessionService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  public void mount(Router router, BearerAuth auth) {
    var user = auth.requireScopes();
    router.get("/v1/images").handler(user).handler(rc -> service.images(caller(rc))
        .onSuccess(list -> rc.json(new JsonObject().put("images",
            new JsonArray(list.stream().map(SessionJson::image).map(Object.class::cast).toList()))))
        .onFailure(e -> fail(rc, e)));
    router.get("/v1/flavours").handler(user).handler(rc -> service.flavours(caller(rc))
        .onSuccess(list -> rc.json(new JsonObject().put("flavours",
            new JsonArray(list.stream().map(SessionJson::flavour).map(Object.class::cast).toList()))))
        .onFailure(e -> fail(rc, e)));
    // a BodyHandler cannot follow the token check in a route's handler list: it is called from a plain handler
    BodyHandler body = BodyHandler.create().setBodyLimit(64 * 1024);
    router.post("/v1/sessions").handler(rc -> {
      rc.request().pause(); // no byte of the body may be lost while the token is checked
      rc.next();
    }).handler(user).handler(body::handle).handler(this::create);
    router.get("/v1/sessions").handler(user).handler(rc -> service.list(caller(rc))
        .compose(this::render).map(list -> new JsonObject().put("sessions", new JsonArray(list)))
        .onSuccess(rc::json)
        .onFailure(e -> fail(rc, e)));
    // one session: the token is checked before the method, so an undocumented method asks for credentials first
    router.route("/v1/sessions/:id").handler(user);
    router.get("/v1/sessions/:id").handler(rc -> service.get(caller(rc), id(rc))
        .compose(s -> render(java.util.List.of(s))).map(list -> list.get(0))
        .onSuccess(rc::json).onFailure(e -> fail(rc, e)));
    router.delete("/v1/sessions/:id").handler(rc -> service.stop(caller(rc), id(rc))
        .onSuccess(s -> rc.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(SessionJson.session(s).encode()))
        .onFailure(e -> fail(rc, e)));
  }

  /** Shows {@code notices} (warnings before a session ends, culled, expired) in sessions' JSON as {@code warnings}. */
  public SessionsEndpoint notices(java.util.function.Function<java.util.List<Session>,
      io.vertx.core.Future<Map<String, java.util.List<Notice>>>> notices) {
    this.notices = Objects.requireNonNull(notices, "notices");
    return this;
  }

  /** The sessions' JSON with their staging progress and warnings. */
  private io.vertx.core.Future<java.util.List<Object>> render(java.util.List<Session> list) {
    return service.stagingProgress(list).compose(staging -> notices.apply(list).map(warnings -> list.stream()
        .map(s -> (Object) SessionJson.withWarnings(SessionJson.session(s, staging),
            warnings.getOrDefault(s.id(), java.util.List.of()))).toList()));
  }

  private void create(RoutingContext rc) {
    var request = SessionRequestParser.parse(JsonBodies.object(rc));
    service.create(caller(rc), request).onSuccess(created -> {
      JsonObject body = SessionJson.session(created.session()).put("accessSecret", created.accessSecret());
      rc.response().setStatusCode(202).putHeader("Content-Type", "application/json")
          .putHeader("Location", rc.request().path().replaceAll("/+$", "") + "/" + created.session().id())
          .putHeader("Cache-Control", "no-store").end(body.encode());
    }).onFailure(e -> fail(rc, e));
  }

  private static Caller caller(RoutingContext rc) {
    return Callers.of(BearerAuth.principal(rc));
  }

  private static String id(RoutingContext rc) {
    try {
      return Input.id("id", rc.pathParam("id"), 64);
    } catch (InvalidInputException e) {
      throw ApiException.invalidField("id", "must be a session id of 1 to 64 characters without control characters");
    }
  }

  /** Renders a {@link BrokerException} as problem+json; anything else goes to the platform's failure handler. */
  static void fail(RoutingContext rc, Throwable e) {
    if (!(e instanceof BrokerException b)) {
      rc.fail(e);
      return;
    }
    rc.fail(switch (b.kind()) {
      case INVALID -> ApiException.invalidField("/" + b.subject(), b.getMessage());
      case NOT_FOUND -> ApiException.notFound(b.getMessage());
      case FORBIDDEN -> new ApiException(new Problem(FORBIDDEN_TYPE, "Forbidden", 403, b.getMessage(),
          Map.of("resource", b.subject())));
      case QUOTA -> new ApiException(new Problem(QUOTA_TYPE, "Quota exceeded", 409, b.getMessage(),
          Map.of("limit", b.subject())));
      case UNAVAILABLE -> ApiException.unavailable(b.getMessage());
    });
  }
}
