package eu.panosc.broker.share;

import eu.panosc.broker.access.Lifetimes;
import eu.panosc.broker.access.Sharing;
import eu.panosc.broker.api.Callers;
import eu.panosc.broker.api.SessionJson;
import eu.panosc.broker.model.AccessRecord;
import eu.panosc.broker.model.Caller;
import eu.panosc.broker.model.Share;
import eu.panosc.broker.proxy.Refusals;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthHandler;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Sharing, invitations, access logs and extending, every route behind a bearer token:
 * {@code POST /v1/sessions/{id}/shares} (201; an invitation's token only in this answer),
 * {@code GET /v1/sessions/{id}/shares}, {@code DELETE /v1/sessions/{id}/shares/{share}} (204),
 * {@code GET /v1/sessions/{id}/access-log}, {@code POST /v1/invitations} (redeem: 201 with the share and the
 * session's launch link), {@code POST /v1/sessions/{id}/extend} (200 with the session). Refusals are problem+json.
 */
public final class SharesEndpoint {
  private final Sharing sharing;
  private final Lifetimes lifetimes;

  public SharesEndpoint(Sharing sharing, Lifetimes lifetimes) {
    this.sharing = Objects.requireNonNull(sharing, "sharing");
    this.lifetimes = Objects.requireNonNull(lifetimes, "lifetimes");
  }

  public void mount(Router router, BearerAuthHandler user) {
    BodyHandler body = BodyHandler.create().setBodyLimit(16 * 1024);
    // the token is checked before the method (as on /v1/sessions/{id}): an undocumented method asks for credentials
    // first; the request is paused so no byte of a body is lost meanwhile (the body handler resumes it)
    for (String path : List.of("/v1/sessions/:id/shares", "/v1/sessions/:id/shares/:share",
        "/v1/sessions/:id/access-log", "/v1/sessions/:id/extend")) {
      router.route(path).handler(pause()).handler(user);
    }
    router.post("/v1/sessions/:id/shares").handler(body::handle).handler(rc -> {
      var request = ShareRequestParser.share(JsonBodies.object(rc));
      sharing.share(caller(rc), id(rc, "id"), request).onSuccess(created -> {
        JsonObject out = share(created.share());
        created.invitationToken().ifPresent(t -> out.put("invitationToken", t));
        rc.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(out.encode());
      }).onFailure(e -> Refusals.fail(rc, e));
    });
    router.get("/v1/sessions/:id/shares").handler(rc -> sharing.list(caller(rc), id(rc, "id"))
        .onSuccess(list -> rc.json(new JsonObject().put("shares",
            new JsonArray(list.stream().map(SharesEndpoint::share).map(Object.class::cast).toList()))))
        .onFailure(e -> Refusals.fail(rc, e)));
    router.delete("/v1/sessions/:id/shares/:share").handler(rc -> sharing.revoke(caller(rc), id(rc, "id"),
        id(rc, "share")).onSuccess(x -> rc.response().setStatusCode(204).end())
        .onFailure(e -> Refusals.fail(rc, e)));
    router.get("/v1/sessions/:id/access-log").handler(rc -> sharing.accessLog(caller(rc), id(rc, "id"))
        .onSuccess(list -> rc.json(new JsonObject().put("entries",
            new JsonArray(list.stream().map(SharesEndpoint::entry).map(Object.class::cast).toList()))))
        .onFailure(e -> Refusals.fail(rc, e)));
    router.post("/v1/invitations").handler(pause()).handler(user).handler(body::handle).handler(rc -> {
      String token = ShareRequestParser.token(JsonBodies.object(rc));
      sharing.redeem(caller(rc), token).onSuccess(s -> {
        JsonObject out = share(s).put("open", rc.mountPoint().replaceAll("/+$", "") + "/v1/sessions/"
            + s.sessionId() + "/open");
        rc.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(out.encode());
      }).onFailure(e -> Refusals.fail(rc, e));
    });
    router.post("/v1/sessions/:id/extend").handler(body::handle).handler(rc -> {
      boolean empty = rc.body() == null || rc.body().buffer() == null || rc.body().buffer().length() == 0;
      Optional<java.time.Instant> until = empty ? Optional.empty()
          : ShareRequestParser.extend(JsonBodies.object(rc));
      lifetimes.extend(caller(rc), id(rc, "id"), until).onSuccess(s -> rc.json(SessionJson.session(s)))
          .onFailure(e -> Refusals.fail(rc, e));
    });
  }

  /** No byte of a body may be lost while the token is checked (the body handler resumes the request). */
  private static Handler<RoutingContext> pause() {
    return rc -> {
      rc.request().pause();
      rc.next();
    };
  }

  private static Caller caller(RoutingContext rc) {
    return Callers.of(BearerAuth.principal(rc));
  }

  private static String id(RoutingContext rc, String param) {
    try {
      return Input.id(param, rc.pathParam(param), 64);
    } catch (InvalidInputException e) {
      throw ApiException.invalidField(param, "must be an id of 1 to 64 characters without control characters");
    }
  }

  static JsonObject share(Share s) {
    JsonObject o = new JsonObject().put("id", s.id()).put("session", s.sessionId())
        .put("kind", s.invitation() ? "invitation" : "user");
    s.grantee().ifPresent(g -> o.put("user", g));
    s.via().ifPresent(v -> o.put("via", v));
    o.put("mode", s.mode().name().toLowerCase(Locale.ROOT).replace('_', '-')).put("createdBy", s.createdBy())
        .put("created", s.created().toString());
    s.expiresAt().ifPresent(e -> o.put("expiresAt", e.toString()));
    s.revokedAt().ifPresent(r -> o.put("revokedAt", r.toString()));
    return o;
  }

  static JsonObject entry(AccessRecord r) {
    JsonObject o = new JsonObject().put("user", r.user()).put("granted", r.granted()).put("reason", r.reason())
        .put("at", r.at().toString());
    r.shareId().ifPresent(s -> o.put("share", s));
    return o;
  }
}
