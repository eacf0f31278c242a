package eu.panosc.pdp.mesh;

import eu.panosc.platform.mesh.RouteRule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approved resource servers and their route rules, read from the registry's read API
 * ({@code GET /v1/resource-servers}, scope {@code registry:read}) and kept fresh by a long poll on its change feed
 * ({@code /v1/changes}): a change of any resource server reloads the list, so a suspended service or a new rule
 * counts within about a second. Until the first load succeeds the routes are unknown (every request is denied).
 * A resource server whose rules no longer parse is left out (logged), never the whole list.
 */
public final class RegistryRoutes implements RouteSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryRoutes.class);
  private static final int WAIT_SECONDS = 25;
  private static final String COLLECTION = "resource-servers";

  private final Vertx vertx;
  private final WebClient web;
  private final String base;
  private final Supplier<Future<String>> token;
  private volatile Optional<List<MeshService>> services = Optional.empty();
  private volatile boolean closed;
  private long position = -1;

  /** Reads from the registry at {@code registry} (e.g. {@code http://localhost:8080/registry}) with {@code token}s. */
  public RegistryRoutes(Vertx vertx, URI registry, Supplier<Future<String>> token) {
    this.vertx = vertx;
    this.web = WebClient.create(vertx);
    this.base = registry.toString().replaceAll("/+$", "");
    this.token = token;
  }

  /** Starts following; the returned future completes after the first load (or its failure, retried in the background). */
  public Future<Void> start() {
    return follow(0);
  }

  @Override
  public Optional<List<MeshService>> services() {
    return services;
  }

  private Future<Void> follow(int failures) {
    if (closed) {
      return Future.succeededFuture();
    }
    String path = position < 0 ? "/v1/changes" : "/v1/changes?after=" + position + "&wait=" + WAIT_SECONDS;
    return get(path, (WAIT_SECONDS + 10) * 1000L).compose(r -> {
      if (r.statusCode() != 200) {
        return Future.failedFuture(new IllegalStateException("HTTP " + r.statusCode()));
      }
      JsonObject body = r.bodyAsJsonObject();
      if (body == null || !(body.getValue("latest") instanceof Number latest)
          || !(body.getValue("changes") instanceof JsonArray changes)) {
        return Future.failedFuture(new IllegalStateException("malformed change feed answer"));
      }
      boolean touched = position < 0 || changes.stream().anyMatch(c -> c instanceof JsonObject o
          && COLLECTION.equals(o.getString("collection")));
      return (touched ? load() : Future.<Void>succeededFuture()).onSuccess(v -> position = latest.longValue());
    }).transform(ar -> {
      if (closed) {
        return Future.succeededFuture();
      }
      if (ar.succeeded()) {
        vertx.runOnContext(v -> follow(0));
      } else {
        long delay = Math.min(30_000, 500L << Math.min(failures, 6));
        LOG.warn("registry routes unavailable ({}); retrying in {} ms", ar.cause().getMessage(), delay);
        vertx.setTimer(delay, t -> follow(failures + 1));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> load() {
    return get("/v1/" + COLLECTION, 10_000).compose(r -> {
      if (r.statusCode() != 200) {
        return Future.failedFuture(new IllegalStateException("HTTP " + r.statusCode() + " for " + COLLECTION));
      }
      JsonObject body = r.bodyAsJsonObject();
      if (body == null || !(body.getValue("items") instanceof JsonArray items)) {
        return Future.failedFuture(new IllegalStateException("malformed " + COLLECTION + " answer"));
      }
      services = Optional.of(parse(items));
      return Future.succeededFuture();
    });
  }

  /** The services of a {@code /v1/resource-servers} answer; a malformed member is left out and logged. */
  static List<MeshService> parse(JsonArray items) {
    List<MeshService> out = new ArrayList<>();
    for (Object o : items) {
      if (!(o instanceof JsonObject m) || !(m.getValue("audience") instanceof String audience)) {
        LOG.error("registry resource server without audience left out of the forward-auth");
        continue;
      }
      try {
        out.add(new MeshService(audience, m.getValue("facility") instanceof String f ? f : null,
            MeshService.hostOf(audience), rules(m.getValue("routeRules"))));
      } catch (IllegalArgumentException | ClassCastException e) {
        LOG.error("registry resource server {} left out of the forward-auth: its route rules do not parse ({})",
            audience, e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static List<RouteRule> rules(Object value) {
    if (value == null) {
      return List.of();
    }
    JsonArray array = (JsonArray) value;
    List<RouteRule> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject r = array.getJsonObject(i);
      JsonObject res = r.getJsonObject("resource");
      List<String> methods = new ArrayList<>();
      JsonArray ms = r.getJsonArray("methods", new JsonArray());
      for (int j = 0; j < ms.size(); j++) {
        methods.add(ms.getString(j));
      }
      out.add(RouteRule.parse("/routeRules/" + i, methods, r.getString("path"), r.getString("action"),
          res == null ? null : res.getString("type"), res == null ? null : res.getString("id"),
          r.getBoolean("public", false)));
    }
    return out;
  }

  private Future<HttpResponse<Buffer>> get(String path, long timeout) {
    return token.get().compose(t -> web.getAbs(base + path).bearerTokenAuthentication(t).timeout(timeout).send());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    web.close();
  }
}
