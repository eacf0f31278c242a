package eu.panosc.pdp.admin;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.ChangeJson;
import eu.panosc.pdp.policy.Policy;
import eu.panosc.pdp.policy.PolicyException;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.store.ConsistencyToken;
import eu.panosc.pdp.store.PdpStore;
import eu.panosc.pdp.store.Relations;
import eu.panosc.pdp.store.StoreException;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.http.Problem;
import eu.panosc.platform.input.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Per-entity writes ({@code PUT}/{@code DELETE /v1/{facilities|proposals|members|staff|datasets}/...})
 * and policy administration ({@code /v1/policies}), scope {@code pdp:admin}. Each write is one
 * transaction through the same store (and cache) as the bulk ingest; a write answers 204 with the
 * {@code X-Consistency-Token} of its batch.
 */
public final class AdminEndpoint {
  public static final String ADMIN_SCOPE = "pdp:admin";
  private static final int MAX_BODY = 1024 * 1024;
  private static final int MAX_FILE = 256;

  private final PdpStore store;
  private final Relations relations;
  private final PolicyRegistry policies;

  public AdminEndpoint(PdpStore store, Relations relations, PolicyRegistry policies) {
    this.store = Objects.requireNonNull(store, "store");
    this.relations = Objects.requireNonNull(relations, "relations");
    this.policies = Objects.requireNonNull(policies, "policies");
  }

  public void mount(Router router, BearerAuth auth) {
    var admin = auth.requireScopes(ADMIN_SCOPE);
    var body = BodyHandler.create().setBodyLimit(MAX_BODY);
    router.route("/v1/facilities/*").handler(admin);
    router.route("/v1/proposals/*").handler(admin);
    router.route("/v1/members/*").handler(admin);
    router.route("/v1/staff/*").handler(admin);
    router.route("/v1/datasets/*").handler(admin);
    router.route("/v1/policies*").handler(admin);

    router.put("/v1/facilities/:id").handler(body).handler(rc -> put(rc, o -> o.put("id", param(rc, "id")),
        o -> new Change.PutFacility(ChangeJson.facility(o))));
    router.delete("/v1/facilities/:id").handler(rc -> write(rc, delete(rc, "facility", "id")));
    router.put("/v1/proposals/:id").handler(body).handler(rc -> put(rc, o -> o.put("id", param(rc, "id")),
        o -> new Change.PutProposal(ChangeJson.proposal(o))));
    router.delete("/v1/proposals/:id").handler(rc -> write(rc, delete(rc, "proposal", "id")));
    router.put("/v1/members/:proposal/:user").handler(body).handler(rc -> put(rc,
        o -> o.put("proposal", param(rc, "proposal")).put("user", param(rc, "user")),
        o -> new Change.PutMember(ChangeJson.member(o))));
    router.delete("/v1/members/:proposal/:user").handler(rc -> write(rc, delete(rc, "member", "proposal", "user")));
    router.put("/v1/staff/:facility/:user/:role").handler(rc -> write(rc,
        new Change.PutStaff(ChangeJson.staff(keys(rc, "facility", "user", "role")))));
    router.delete("/v1/staff/:facility/:user/:role").handler(rc -> write(rc,
        delete(rc, "staff", "facility", "user", "role")));
    // A PID or DOI holds slashes: take the rest of the path. The router percent-decodes it once; it is not
    // decoded again (so ".../a+b" is the PID "a+b" and ".../%2541" is "%41").
    router.putWithRegex("/v1/datasets/(?<pid>.+)").handler(body).handler(rc -> put(rc,
        o -> o.put("pid", param(rc, "pid")), o -> new Change.PutDataset(ChangeJson.dataset(o))));
    router.deleteWithRegex("/v1/datasets/(?<pid>.+)").handler(rc -> write(rc, delete(rc, "dataset", "pid")));
    router.getWithRegex("/v1/datasets/(?<pid>.+)").handler(this::getDataset);

    router.get("/v1/policies").handler(this::listPolicies);
    router.get("/v1/policies/:facility").handler(this::getPolicy);
    router.get("/v1/policies/:facility/versions").handler(this::versions);
    router.put("/v1/policies/:facility").handler(body).handler(this::putPolicy);
  }

  private static String param(RoutingContext rc, String name) {
    return rc.pathParam(name);
  }

  private static JsonObject keys(RoutingContext rc, String... names) {
    JsonObject o = new JsonObject();
    for (String n : names) {
      o.put(n, rc.pathParam(n));
    }
    return o;
  }

  /** A delete of {@code entity} by the named path parameters, checked like an ingest record. */
  private static Change delete(RoutingContext rc, String entity, String... names) {
    return ChangeJson.delete(keys(rc, names).put("entity", entity));
  }

  /**
   * Parses the body with the key fields of the path (which win over the body's), then writes; a field that
   * fails the input rule is an {@link eu.panosc.platform.input.InvalidInputException}, rendered as a 400
   * naming it.
   */
  private void put(RoutingContext rc, Function<JsonObject, JsonObject> withKeys, Function<JsonObject, Change> parser) {
    JsonObject o = JsonBodies.object(rc);
    write(rc, parser.apply(withKeys.apply(o)));
  }

  private void write(RoutingContext rc, Change change) {
    store.apply(List.of(change)).onSuccess(seq -> rc.response().putHeader(ConsistencyToken.HEADER,
        ConsistencyToken.of(seq)).setStatusCode(204).end()).onFailure(e -> {
      if (e instanceof StoreException se) {
        rc.fail(se.field() == null ? ApiException.conflict(se.getMessage())
            : ApiException.invalidField(se.field(), se.getMessage()));
      } else {
        rc.fail(e);
      }
    });
  }

  private void getDataset(RoutingContext rc) {
    String pid = Input.id("pid", param(rc, "pid"));
    Relations.DatasetFacts f = relations.dataset(pid)
        .orElseThrow(() -> ApiException.notFound("No dataset " + pid + "."));
    var d = f.dataset();
    JsonObject json = new JsonObject().put("pid", d.pid()).put("proposal", d.proposal()).put("facility", d.facility())
        .put("instrument", d.instrument()).put("created", d.created().toString())
        .put("releaseDate", f.releaseDate() == null ? null : f.releaseDate().toString())
        .put("releaseDateOverridden", d.releaseOverride() != null).put("public", d.isPublic())
        .put("storage", new JsonObject().put("site", d.storageSite()).put("path", d.storagePath()))
        .put("sizeBytes", d.sizeBytes());
    rc.json(json);
  }

  private void listPolicies(RoutingContext rc) {
    JsonArray items = new JsonArray();
    for (Policy p : policies.active()) {
      items.add(summary(p));
    }
    rc.json(new JsonObject().put("policies", items));
  }

  private static JsonObject summary(Policy p) {
    return new JsonObject().put("facility", p.facility()).put("name", p.name()).put("version", p.version())
        .put("label", p.label()).put("file", p.file()).put("rules", p.rules().size());
  }

  private static String facilityKey(RoutingContext rc) {
    String f = Input.id("facility", rc.pathParam("facility"));
    return f.equals("default") ? PolicyRegistry.DEFAULT : f;
  }

  private void getPolicy(RoutingContext rc) {
    String facility = facilityKey(rc);
    Policy p = policies.forFacility(facility);
    if (p == null || !p.facility().equals(facility)) {
      throw ApiException.notFound("Facility " + facility + " has no policy of its own; the default applies.");
    }
    rc.response().putHeader("Content-Type", "application/yaml").putHeader("ETag", "\"" + p.version() + "\"")
        .end(p.source());
  }

  private void versions(RoutingContext rc) {
    policies.history(facilityKey(rc)).onSuccess(list -> {
      JsonArray items = new JsonArray();
      list.forEach(s -> items.add(new JsonObject().put("version", s.version()).put("file", s.file())
          .put("createdAt", s.createdAt().toString())));
      rc.json(new JsonObject().put("facility", facilityKey(rc)).put("versions", items));
    }).onFailure(rc::fail);
  }

  private void putPolicy(RoutingContext rc) {
    String facility = facilityKey(rc);
    String file = rc.queryParams().get("file") != null ? Input.id("file", rc.queryParams().get("file"), MAX_FILE)
        : (facility.equals(PolicyRegistry.DEFAULT) ? "default" : facility) + ".yaml";
    String source = rc.body() == null || rc.body().buffer() == null ? "" : rc.body().asString();
    if (!source.isEmpty()) {
      Input.document("body", source, MAX_BODY);
    }
    policies.submit(file, source, facility).onSuccess(p -> rc.json(summary(p))).onFailure(e -> {
      if (e instanceof PolicyException pe) {
        rc.fail(new ApiException(new Problem(Problem.TYPE_BASE + "invalid-policy", "Invalid policy", 400,
            pe.getMessage() + " The previous version stays active.",
            Map.of("errors", List.of(Map.of("file", pe.file(), "line", pe.line(), "reason", pe.reason()))))));
      } else {
        rc.fail(e);
      }
    });
  }
}
