package eu.panosc.registry.admin;

import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.registry.federation.TrustMarkAdmin;
import eu.panosc.registry.oidfed.TrustMarkStore.TrustMarkRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;
import java.util.Set;

/**
 * Trust mark administration (scope {@code registry:admin}): {@code GET /admin/v1/trust-marks} ({@code ?type=},
 * {@code ?sub=}), {@code POST /admin/v1/trust-marks} ({@code {sub, type, lifetimeDays?}}) and
 * {@code POST /admin/v1/trust-marks/{id}/revoke}. Parses the request, calls {@link TrustMarkAdmin}, maps its
 * refusals to problem+json ({@link StoreErrors}) and writes the answer.
 */
public final class TrustMarkEndpoint {
  private static final Set<String> FIELDS = Set.of("sub", "type", "lifetimeDays");
  private static final int MAX_BODY = 16 * 1024;

  private final TrustMarkAdmin trustMarks;

  public TrustMarkEndpoint(TrustMarkAdmin trustMarks) {
    this.trustMarks = Objects.requireNonNull(trustMarks, "trustMarks");
  }

  public void mount(Router router, BearerAuth auth) {
    router.route("/admin/v1/trust-marks*").handler(auth.requireScopes(AdminEndpoint.ADMIN_SCOPE));
    router.get("/admin/v1/trust-marks").handler(this::list);
    router.post("/admin/v1/trust-marks").handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::issue);
    router.post("/admin/v1/trust-marks/:id/revoke").handler(this::revoke);
  }

  private void list(RoutingContext ctx) {
    trustMarks.list(AdminEndpoint.query(ctx, "type").orElse(null), AdminEndpoint.query(ctx, "sub").orElse(null))
        .onSuccess(records -> ctx.json(new JsonObject().put("items",
            new JsonArray(records.stream().map(TrustMarkEndpoint::json).toList()))))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void issue(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw ApiException.invalidField("/" + field, "is not a known field here; known fields: sub, type, lifetimeDays");
      }
    }
    if (!(body.getValue("sub") instanceof String sub) || sub.isBlank()) {
      throw ApiException.invalidField("/sub", "is required: the entity id of an approved federation member");
    }
    if (!(body.getValue("type") instanceof String type)) {
      throw ApiException.invalidField("/type", "is required: a trust mark type this trust anchor issues");
    }
    if (!(body.getValue("lifetimeDays", TrustMarkAdmin.DEFAULT_LIFETIME_DAYS) instanceof Integer days)) {
      throw ApiException.invalidField("/lifetimeDays", "must be an integer between 1 and "
          + TrustMarkAdmin.MAX_LIFETIME_DAYS);
    }
    trustMarks.issue(sub, type, days)
        .onSuccess(r -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(json(r).encode()))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void revoke(RoutingContext ctx) {
    trustMarks.revoke(AdminEndpoint.id(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private static JsonObject json(TrustMarkRecord r) {
    return new JsonObject().put("id", r.id()).put("type", r.type()).put("sub", r.sub())
        .put("issuedAt", r.issuedAt().toString()).put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString())
        .put("revokedAt", r.revokedAt() == null ? null : r.revokedAt().toString()).put("trustMark", r.jwt());
  }
}
