package eu.panosc.aai.resolve;

import eu.panosc.aai.user.PairwiseSubjects;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.input.Input;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;

/**
 * {@code POST /aai/v1/resolve} (scope {@code aai:resolve}, trusted federation services only, e.g. the
 * PDP): {@code {"facility": "esrf", "sub": "<pairwise id>"}} → {@code {"user": "<canonical id>"}}, or 404.
 * Lets a service decide for a user that a facility service knows only by its pairwise identifier.
 */
public final class SubjectResolutionEndpoint {
  public static final String SCOPE = "aai:resolve";

  private final PairwiseSubjects subjects;

  public SubjectResolutionEndpoint(PairwiseSubjects subjects) {
    this.subjects = Objects.requireNonNull(subjects, "subjects");
  }

  public void mount(Router router, BearerAuth auth) {
    router.post("/v1/resolve").handler(auth.requireScopes(SCOPE));
    router.post("/v1/resolve").handler(BodyHandler.create().setBodyLimit(8 * 1024)).handler(this::resolve);
  }

  private void resolve(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    for (String field : body.fieldNames()) {
      if (!field.equals("facility") && !field.equals("sub") && !field.equals("client")) {
        throw ApiException.invalidField("/" + field, "is not a known field; known fields: facility, client, sub");
      }
    }
    String sub = text(body, "sub");
    String facility = body.getValue("facility") == null ? null : text(body, "facility");
    String client = body.getValue("client") == null ? null : text(body, "client");
    if ((facility == null) == (client == null)) {
      throw ApiException.invalidField("/facility", "give the facility (or, for a client without one, the client) that knows this sub");
    }
    String sector = facility != null ? "facility:" + facility : "client:" + client;
    subjects.resolve(sector, sub)
        .onSuccess(user -> {
          if (user.isEmpty()) {
            ctx.fail(ApiException.notFound("no user has this sub at " + sector.replace(':', ' ')));
          } else {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("user", user.get()).encode());
          }
        })
        .onFailure(ctx::fail);
  }

  private static String text(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw ApiException.invalidField("/" + field, "must be a non-empty string");
    }
    return Input.id("/" + field, s); // at most 512 characters, no control characters (a NUL never reaches PostgreSQL)
  }
}
