package eu.panosc.broker.api;

import eu.panosc.broker.cull.ActivityReport;
import eu.panosc.broker.cull.ActivityService;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.http.Problem;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/sessions/{id}/activity}: a session reports its own use (its image's agent), authenticated with the
 * session's access secret as bearer token (not a user token): {@code {"kernel": {"lastActivity": "<RFC 3339>",
 * "busy": true}, "desktop": {"lastInput": "<RFC 3339>"}, "gpu": {"utilisation": 37}}}, every part optional; 204.
 * Refusals are problem+json: 400 naming the field, 401 (with {@code WWW-Authenticate}) for a missing or wrong
 * secret or an unknown session alike, 409 when the session is not RUNNING, 413 for a body over 4 KiB.
 */
public final class ActivityEndpoint {
  static final String UNAUTHENTICATED_TYPE = Problem.TYPE_BASE + "session-secret-invalid";
  static final String NOT_RUNNING_TYPE = Problem.TYPE_BASE + "session-not-running";
  private final ActivityService service;

  public ActivityEndpoint(ActivityService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  public void mount(Router router) {
    router.post("/v1/sessions/:id/activity").handler(BodyHandler.create().setBodyLimit(4 * 1024))
        .handler(this::report);
    // any other method on the path: 405 naming the one allowed (not a 404)
    router.route("/v1/sessions/:id/activity").handler(rc -> {
      rc.response().putHeader("Allow", "POST");
      rc.fail(405);
    });
  }

  private void report(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      refuse(rc, "Send the session's accessSecret as bearer token (Authorization: Bearer <accessSecret>).");
      return;
    }
    String secret = header.substring(7).strip();
    String id;
    try {
      id = Input.id("id", rc.pathParam("id"), 64);
    } catch (InvalidInputException e) {
      throw ApiException.invalidField("id", "must be a session id of 1 to 64 characters without control characters");
    }
    ActivityReport report = parse(JsonBodies.object(rc));
    service.report(id, secret, report).onSuccess(x -> rc.response().setStatusCode(204).end()).onFailure(e -> {
      if (e instanceof ActivityService.Refused r) {
        if (r.kind() == ActivityService.Refused.Kind.UNAUTHENTICATED) {
          refuse(rc, r.getMessage());
        } else {
          rc.fail(new ApiException(new Problem(NOT_RUNNING_TYPE, "Conflict", 409, r.getMessage(), Map.of())));
        }
      } else {
        rc.fail(e);
      }
    });
  }

  private static void refuse(RoutingContext rc, String detail) {
    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"panosc-session\"");
    rc.fail(new ApiException(new Problem(UNAUTHENTICATED_TYPE, "Unauthorized", 401, detail, Map.of())));
  }

  /** The report in {@code body}; 400 naming the first bad field. */
  static ActivityReport parse(JsonObject body) {
    only(body, "", Set.of("kernel", "desktop", "gpu"));
    JsonObject kernel = object(body, "kernel");
    JsonObject desktop = object(body, "desktop");
    JsonObject gpu = object(body, "gpu");
    Optional<Instant> kernelAt = Optional.empty();
    Optional<Boolean> busy = Optional.empty();
    if (kernel != null) {
      only(kernel, "/kernel", Set.of("lastActivity", "busy"));
      kernelAt = instant(kernel, "/kernel", "lastActivity");
      Object b = kernel.getValue("busy");
      if (b != null && !(b instanceof Boolean)) {
        throw ApiException.invalidField("/kernel/busy", "must be true or false");
      }
      busy = Optional.ofNullable((Boolean) b);
    }
    Optional<Instant> desktopAt = Optional.empty();
    if (desktop != null) {
      only(desktop, "/desktop", Set.of("lastInput"));
      desktopAt = instant(desktop, "/desktop", "lastInput");
    }
    Optional<Integer> utilisation = Optional.empty();
    if (gpu != null) {
      only(gpu, "/gpu", Set.of("utilisation"));
      Object u = gpu.getValue("utilisation");
      if (u != null) {
        if (!(u instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0
            || n.doubleValue() > 100) {
          throw ApiException.invalidField("/gpu/utilisation", "must be a whole percentage from 0 to 100");
        }
        utilisation = Optional.of(n.intValue());
      }
    }
    return new ActivityReport(kernelAt, busy, desktopAt, utilisation);
  }

  private static void only(JsonObject o, String at, Set<String> allowed) {
    for (String k : o.fieldNames()) {
      if (!allowed.contains(k)) {
        throw ApiException.invalidField(at + "/" + (Input.isClean(k, 64) ? k : "?"), "is not a known field; known: "
            + allowed.stream().sorted().toList());
      }
    }
  }

  private static JsonObject object(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject j)) {
      throw ApiException.invalidField("/" + key, "must be an object");
    }
    return j;
  }

  private static Optional<Instant> instant(JsonObject o, String at, String key) {
    Object v = o.getValue(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalidField(at + "/" + key, "must be an RFC 3339 timestamp such as 2026-12-01T09:00:00Z");
    }
    try {
      return Optional.of(Input.instant(at + "/" + key, s, true));
    } catch (InvalidInputException e) {
      throw ApiException.invalidField(at + "/" + key, "must be an RFC 3339 timestamp such as 2026-12-01T09:00:00Z");
    }
  }
}
