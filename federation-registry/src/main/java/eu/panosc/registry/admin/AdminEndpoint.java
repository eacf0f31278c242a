package eu.panosc.registry.admin;

import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.JsonBodies;
import eu.panosc.platform.http.Problem;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.auth.ClientSecrets;
import eu.panosc.registry.model.Member;
import eu.panosc.registry.model.MemberKind;
import eu.panosc.registry.model.MemberValidator;
import eu.panosc.registry.model.OnboardingState;
import eu.panosc.registry.store.Actor;
import eu.panosc.registry.store.RegistryStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The admin REST API at {@code /registry/admin/v1} (scope {@code registry:admin}) and the read API at
 * {@code /registry/v1} (scope {@code registry:read}, approved members only). Bodies are validated by
 * {@link MemberValidator}; errors are problem+json naming the field.
 */
public final class AdminEndpoint {
  public static final String ADMIN_SCOPE = "registry:admin";
  public static final String READ_SCOPE = "registry:read";
  /** Lets the aai-broker read how a client authenticates (secret hash, JWKS). */
  public static final String CREDENTIALS_SCOPE = "registry:credentials";

  private final RegistryStore store;
  private final MemberValidator validator;
  private final BearerAuth auth;
  private final boolean demo;

  /**
   * @param demo whether the demo federation is active; outside demo mode members seeded for it
   *     ({@code demo: true}) are invisible to the read API, so nothing trusts published demo credentials
   */
  public AdminEndpoint(RegistryStore store, MemberValidator validator, BearerAuth auth, boolean demo) {
    this.demo = demo;
    this.store = Objects.requireNonNull(store, "store");
    this.validator = Objects.requireNonNull(validator, "validator");
    this.auth = Objects.requireNonNull(auth, "auth");
  }

  public void mount(Router router) {
    Handler<RoutingContext> admin = auth.requireScopes(ADMIN_SCOPE);
    Handler<RoutingContext> body = BodyHandler.create().setBodyLimit(4 * 1024 * 1024);
    router.route("/admin/v1/*").handler(admin);
    router.get("/admin/v1/audit").handler(this::audit);
    router.get("/admin/v1/:collection").handler(ctx -> list(ctx, Optional.empty()));
    router.post("/admin/v1/:collection").handler(body).handler(this::create);
    router.get("/admin/v1/:collection/:id").handler(ctx -> get(ctx, false));
    router.put("/admin/v1/:collection/:id").handler(body).handler(this::replace);
    router.delete("/admin/v1/:collection/:id").handler(this::delete);
    router.post("/admin/v1/:collection/:id/approve").handler(ctx -> transition(ctx, OnboardingState.APPROVED));
    router.post("/admin/v1/:collection/:id/suspend").handler(ctx -> transition(ctx, OnboardingState.SUSPENDED));
    router.post("/admin/v1/clients/:id/secret").handler(this::rotateSecret);

    router.route("/v1/*").handler(auth.requireScopes(READ_SCOPE));
    router.get("/v1/clients/:id/credentials").handler(auth.requireScopes(READ_SCOPE, CREDENTIALS_SCOPE))
        .handler(this::credentials);
    router.get("/v1/:collection").handler(ctx -> list(ctx, Optional.of(OnboardingState.APPROVED)));
    router.get("/v1/:collection/:id").handler(ctx -> get(ctx, true));
  }

  /** The longest member id in a path or query: an entityID or audience URL (SAML core §8.3.6 allows 1024). */
  public static final int MAX_ID = 2048;

  private static MemberKind kind(RoutingContext ctx) {
    String c = ctx.pathParam("collection");
    return MemberKind.ofCollection(c).orElseThrow(() -> ApiException.notFound("no such collection; collections: "
        + "facilities, clients, resource-servers, saml-entities, upstream-idps, clusters"));
  }

  /** The {@code :id} path parameter, checked with the platform's input rule (no control characters, bounded). */
  public static String id(RoutingContext ctx) {
    return Input.id("id", ctx.pathParam("id"), MAX_ID);
  }

  /** An optional query parameter: at most one value, checked like an id. */
  public static Optional<String> query(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParams().getAll(name);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw ApiException.invalidField(name, "must be given at most once");
    }
    return Optional.of(Input.id(name, values.get(0), MAX_ID));
  }

  private static Actor actor(RoutingContext ctx) {
    AccessTokenPrincipal p = BearerAuth.principal(ctx);
    return new Actor(p.clientId() != null ? p.clientId() : p.subject(), RequestIds.of(ctx));
  }

  private void list(RoutingContext ctx, Optional<OnboardingState> fixedState) {
    MemberKind kind = kind(ctx);
    Optional<OnboardingState> state = fixedState.or(() -> query(ctx, "state")
        .map(s -> {
          try {
            return OnboardingState.ofDb(s);
          } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("state", "must be pending, approved or suspended");
          }
        }));
    Optional<String> facility = query(ctx, "facility");
    store.list(kind, state, facility)
        .onSuccess(members -> ctx.json(new JsonObject().put("items", new JsonArray(members.stream()
            .filter(m -> fixedState.isEmpty() || visible(m)).map(Member::toJson).toList()))))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void get(RoutingContext ctx, boolean approvedOnly) {
    MemberKind kind = kind(ctx);
    String id = id(ctx);
    store.get(kind, id)
        .map(m -> m.filter(x -> !approvedOnly || x.state() == OnboardingState.APPROVED && visible(x))
            .orElseThrow(() -> ApiException.notFound("no " + kind.collection() + " member '" + id + "'")))
        .onSuccess(m -> writeMember(ctx, 200, m, null))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  /** How an approved client authenticates: for the token endpoint only (scope registry:credentials). */
  private void credentials(RoutingContext ctx) {
    String id = id(ctx);
    store.get(MemberKind.OIDC_CLIENT, id)
        .map(m -> m.filter(x -> x.state() == OnboardingState.APPROVED && visible(x))
            .orElseThrow(() -> ApiException.notFound("no approved client '" + id + "'")))
        .compose(m -> store.secretHash(id).map(hash -> new JsonObject().put("clientId", id)
            .put("type", m.document().getString("type")).put("authMethod", m.document().getString("authMethod"))
            .put("secretHash", hash.orElse(null)).put("jwks", m.document().getJsonObject("jwks"))
            .put("version", m.version())))
        .onSuccess(json -> ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json.encode()))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private boolean visible(Member m) {
    return demo || !m.document().getBoolean("demo", false);
  }

  private void create(RoutingContext ctx) {
    MemberKind kind = kind(ctx);
    var draft = validator.validate(kind, JsonBodies.object(ctx));
    store.create(draft, OnboardingState.PENDING, actor(ctx))
        .onSuccess(m -> {
          ctx.response().putHeader(HttpHeaders.LOCATION, ctx.request().path() + "/" + urlEncode(m.id()));
          writeMember(ctx, 201, m, draft.clearSecret());
        })
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void replace(RoutingContext ctx) {
    MemberKind kind = kind(ctx);
    String id = id(ctx);
    OptionalLong expected = ifMatch(ctx);
    var draft = validator.validate(kind, JsonBodies.object(ctx));
    if (!draft.id().equals(id)) {
      throw ApiException.invalidField(idField(kind), "is '" + draft.id() + "' but the path names '" + id
          + "'; an id cannot change");
    }
    store.get(kind, id)
        .compose(existing -> store.replace(draft, expected, actor(ctx))
            .map(m -> {
              boolean secretIssued = draft.clearSecret() != null
                  && existing.map(e -> !"client_secret_basic".equals(e.document().getString("authMethod"))
                      && !"client_secret_post".equals(e.document().getString("authMethod"))).orElse(false);
              writeMember(ctx, 200, m, secretIssued ? draft.clearSecret() : null);
              return m;
            }))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void delete(RoutingContext ctx) {
    MemberKind kind = kind(ctx);
    store.delete(kind, id(ctx), ifMatch(ctx), actor(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void transition(RoutingContext ctx, OnboardingState target) {
    MemberKind kind = kind(ctx);
    store.transition(kind, id(ctx), target, actor(ctx))
        .onSuccess(m -> writeMember(ctx, 200, m, null))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void rotateSecret(RoutingContext ctx) {
    String secret = ClientSecrets.generate();
    store.setSecretHash(id(ctx), ClientSecrets.hash(secret), actor(ctx))
        .onSuccess(m -> writeMember(ctx, 200, m, secret))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  private void audit(RoutingContext ctx) {
    Optional<MemberKind> kind = query(ctx, "collection").map(c -> MemberKind
        .ofCollection(c).orElseThrow(() -> ApiException.invalidField("collection", "is not a known collection")));
    Optional<String> id = query(ctx, "id");
    long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) longParam(ctx, "limit", 100, 1, 1000);
    store.audit(kind, id, after, limit)
        .onSuccess(events -> ctx.json(new JsonObject()
            .put("items", new JsonArray(events.stream().map(e -> e.toJson()).toList()))
            .put("next", events.isEmpty() ? after : events.get(events.size() - 1).id())))
        .onFailure(e -> ctx.fail(StoreErrors.http(e)));
  }

  static long longParam(RoutingContext ctx, String name, long fallback, long min, long max) {
    String v = query(ctx, name).orElse(null);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.invalidField(name, "must be an integer between " + min + " and " + max);
    }
  }

  /**
   * The version an {@code If-Match} names. RFC 9110 §13.1.1: If-Match compares strongly, so a weak tag
   * ({@code W/"3"}) never matches and the request fails with 412, as a stale one does.
   */
  static OptionalLong ifMatch(RoutingContext ctx) {
    List<String> headers = ctx.request().headers().getAll(HttpHeaders.IF_MATCH);
    if (headers.isEmpty()) {
      return OptionalLong.empty();
    }
    if (headers.size() > 1) {
      throw ApiException.invalidField("If-Match", "must be given once, as the ETag of the member, e.g. \"3\"");
    }
    String h = Input.text("If-Match", headers.get(0), 64, true).strip();
    if (h.startsWith("W/")) {
      throw new ApiException(new Problem(Problem.TYPE_BASE + "weak-etag", "Precondition Failed", 412,
          "If-Match compares entity tags strongly (RFC 9110 §13.1.1); a weak tag never matches. Send the ETag as"
              + " answered, e.g. \"3\"", java.util.Map.of()));
    }
    if (h.length() < 3 || !h.startsWith("\"") || !h.endsWith("\"")) {
      throw ApiException.invalidField("If-Match", "must be the ETag of the member, e.g. \"3\"");
    }
    try {
      return OptionalLong.of(Long.parseLong(h.substring(1, h.length() - 1)));
    } catch (NumberFormatException e) {
      throw ApiException.invalidField("If-Match", "must be the ETag of the member, e.g. \"3\"");
    }
  }

  private static void writeMember(RoutingContext ctx, int status, Member m, String clearSecret) {
    JsonObject json = m.toJson();
    if (clearSecret != null) {
      // returned exactly once; only its hash is stored
      json.put("clientSecret", clearSecret);
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.ETAG, "\"" + m.version() + "\"")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json.encode());
  }

  private static String idField(MemberKind kind) {
    return switch (kind) {
      case OIDC_CLIENT -> "/clientId";
      case RESOURCE_SERVER -> "/audience";
      case SAML_ENTITY -> "/metadata";
      default -> "/id";
    };
  }

  static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
