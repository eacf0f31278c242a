package eu.panosc.registry.federation;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.registry.admin.AdminEndpoint;
import eu.panosc.registry.oidfed.SubordinateSource;
import eu.panosc.registry.oidfed.TrustMarkIssuer;
import eu.panosc.registry.oidfed.TrustMarkStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Trust mark administration (scope {@code registry:admin}): {@code GET /admin/v1/trust-marks},
 * {@code POST /admin/v1/trust-marks} ({@code {sub, type, lifetimeDays?}}), and
 * {@code POST /admin/v1/trust-marks/{id}/revoke}. Status and listing for relying parties are the
 * OpenID Federation endpoints.
 */
public final class TrustMarkAdmin {
  private final TrustMarkIssuer issuer;
  private final TrustMarkStore store;
  private final SubordinateSource subordinates;
  private final Set<String> types;

  public TrustMarkAdmin(TrustMarkIssuer issuer, TrustMarkStore store, SubordinateSource subordinates, Set<String> types) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.store = Objects.requireNonNull(store, "store");
    this.subordinates = Objects.requireNonNull(subordinates, "subordinates");
    this.types = Set.copyOf(types);
  }

  public void mount(Router router, BearerAuth auth) {
    router.route("/admin/v1/trust-marks*").handler(auth.requireScopes(AdminEndpoint.ADMIN_SCOPE));
    router.get("/admin/v1/trust-marks").handler(this::list);
    router.post("/admin/v1/trust-marks").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::issue);
    router.post("/admin/v1/trust-marks/:id/revoke").handler(this::revoke);
  }

  private void list(RoutingContext ctx) {
    store.list(AdminEndpoint.query(ctx, "type").orElse(null), AdminEndpoint.query(ctx, "sub").orElse(null))
        .onSuccess(records -> ctx.json(new JsonObject().put("items",
            new JsonArray(records.stream().map(TrustMarkAdmin::json).toList()))))
        .onFailure(ctx::fail);
  }

  private void issue(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    for (String field : body.fieldNames()) {
      if (!Set.of("sub", "type", "lifetimeDays").contains(field)) {
        throw ApiException.invalidField("/" + field, "is not a known field here; known fields: sub, type, lifetimeDays");
      }
    }
    Object sub = body.getValue("sub");
    Object type = body.getValue("type");
    Object days = body.getValue("lifetimeDays", 365);
    if (!(sub instanceof String s) || s.isBlank()) {
      throw ApiException.invalidField("/sub", "is required: the entity id of an approved federation member");
    }
    eu.panosc.platform.input.Input.id("/sub", s, AdminEndpoint.MAX_ID);
    if (!(type instanceof String t) || !types.contains(t)) {
      throw ApiException.invalidField("/type", "must be one of " + String.join(", ", types.stream().sorted().toList()));
    }
    if (!(days instanceof Integer d) || d < 1 || d > 3650) {
      throw ApiException.invalidField("/lifetimeDays", "must be an integer between 1 and 3650");
    }
    subordinates.approved(s)
        .compose(found -> found.isPresent() ? issuer.issue(s, t, Duration.ofDays(d), null, null)
            : io.vertx.core.Future.failedFuture(ApiException.invalidField("/sub",
                "no approved federation member has entity id '" + s + "'")))
        .onSuccess(r -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(json(r).encode()))
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    String id = AdminEndpoint.id(ctx);
    issuer.revoke(id)
        .onSuccess(found -> {
          if (!found) {
            ctx.fail(ApiException.notFound("no trust mark '" + id + "'"));
          } else {
            ctx.response().setStatusCode(204).end();
          }
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject json(TrustMarkStore.TrustMarkRecord r) {
    return new JsonObject().put("id", r.id()).put("type", r.type()).put("sub", r.sub())
        .put("issuedAt", r.issuedAt().toString()).put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString())
        .put("revokedAt", r.revokedAt() == null ? null : r.revokedAt().toString()).put("trustMark", r.jwt());
  }
}
