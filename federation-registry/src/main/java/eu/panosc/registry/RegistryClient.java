package eu.panosc.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How other services read the registry: over its HTTP read API ({@code /registry/v1}, scope
 * {@code registry:read}), with a cache of approved members (including "not found" answers) that a
 * long poll on the change feed keeps fresh, so a newly approved client is usable within about a
 * second and a suspended one stops working as fast, without restarts.
 */
public final class RegistryClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final int WAIT_SECONDS = 25;
  /** Bound on cached answers, so that lookups of random ids (negative answers) cannot grow memory without limit. */
  private static final int MAX_CACHED = 20_000;

  /** One change the feed reported. */
  public record Change(long id, String collection, String memberId, String action) {}

  private final Vertx vertx;
  private final WebClient web;
  private final String base;
  private final Supplier<Future<String>> token;
  private final Map<String, Future<Optional<JsonObject>>> members = new ConcurrentHashMap<>();
  private final Map<String, Future<List<JsonObject>>> lists = new ConcurrentHashMap<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final io.vertx.core.Promise<Void> following = io.vertx.core.Promise.promise();
  private volatile boolean closed;
  private volatile long position = -1;

  private RegistryClient(Vertx vertx, URI registry, Supplier<Future<String>> token) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.web = WebClient.create(vertx, new WebClientOptions().setIdleTimeout(60)
        .setConnectTimeout(5000));
    this.base = registry.toString().replaceAll("/+$", "");
    this.token = Objects.requireNonNull(token, "token");
  }

  /**
   * A client of the registry at {@code registry} (e.g. {@code http://localhost:8080/registry}) that
   * authenticates with the bearer tokens {@code token} supplies, following the change feed from now on.
   */
  public static RegistryClient http(Vertx vertx, URI registry, Supplier<Future<String>> token) {
    RegistryClient client = new RegistryClient(vertx, registry, token);
    client.follow(0);
    return client;
  }

  /** An approved member of {@code collection} (e.g. {@code clients}), or empty; cached until it changes. */
  public Future<Optional<JsonObject>> get(String collection, String id) {
    String key = collection + "/" + id;
    Future<Optional<JsonObject>> cached = members.get(key);
    if (cached != null) {
      hits.incrementAndGet();
      return cached;
    }
    misses.incrementAndGet();
    return cached(key, "/v1/" + collection + "/" + encode(id));
  }

  /**
   * How an approved client authenticates ({@code authMethod}, {@code secretHash}, {@code jwks}); needs
   * scopes {@code registry:read registry:credentials}. Cached, and forgotten when the client changes.
   */
  public Future<Optional<JsonObject>> clientCredentials(String clientId) {
    String key = "clients/" + clientId + "/credentials";
    Future<Optional<JsonObject>> cached = members.get(key);
    if (cached != null) {
      hits.incrementAndGet();
      return cached;
    }
    misses.incrementAndGet();
    return cached(key, "/v1/clients/" + encode(clientId) + "/credentials");
  }

  private Future<Optional<JsonObject>> cached(String key, String path) {
    if (members.size() >= MAX_CACHED) {
      members.clear();
    }
    Future<Optional<JsonObject>> loaded = call(path).map(r -> switch (r.statusCode()) {
      case 200 -> Optional.of(r.bodyAsJsonObject());
      case 404 -> Optional.<JsonObject>empty();
      default -> throw new IllegalStateException("registry answered " + r.statusCode() + " for " + path);
    });
    members.put(key, loaded);
    loaded.onFailure(e -> members.remove(key, loaded));
    return loaded;
  }

  /** All approved members of {@code collection}; cached until one of them changes. */
  public Future<List<JsonObject>> list(String collection) {
    Future<List<JsonObject>> cached = lists.get(collection);
    if (cached != null) {
      hits.incrementAndGet();
      return cached;
    }
    misses.incrementAndGet();
    Future<List<JsonObject>> loaded = call("/v1/" + collection).map(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("registry answered " + r.statusCode() + " for " + collection);
      }
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      return items.stream().map(o -> (JsonObject) o).toList();
    });
    lists.put(collection, loaded);
    loaded.onFailure(e -> lists.remove(collection, loaded));
    return loaded;
  }

  /** Completes once the client follows the change feed: from then on every change reaches the cache. */
  public Future<Void> ready() {
    return following.future();
  }

  /** Calls {@code listener} for every change after the cache forgot the affected member. */
  public void onChange(Consumer<Change> listener) {
    listeners.add(listener);
  }

  /** Cache hits and misses so far, for metrics and tests. */
  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  private Future<HttpResponse<io.vertx.core.buffer.Buffer>> call(String path) {
    return token.get().compose(t -> web.getAbs(base + path).bearerTokenAuthentication(t).timeout(10_000).send());
  }

  private void follow(int failures) {
    if (closed) {
      return;
    }
    String path = position < 0 ? "/v1/changes" : "/v1/changes?after=" + position + "&wait=" + WAIT_SECONDS;
    token.get()
        .compose(t -> web.getAbs(base + path).bearerTokenAuthentication(t).timeout((WAIT_SECONDS + 10) * 1000L).send())
        .onComplete(ar -> {
          if (closed) {
            return;
          }
          if (ar.succeeded() && ar.result().statusCode() == 200) {
            JsonObject body = ar.result().bodyAsJsonObject();
            boolean first = position < 0;
            for (Object o : body.getJsonArray("changes")) {
              JsonObject c = (JsonObject) o;
              Change change = new Change(c.getLong("id"), c.getString("collection"), c.getString("memberId"),
                  c.getString("action"));
              String key = change.collection() + "/" + change.memberId();
              members.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "/"));
              lists.remove(change.collection());
              listeners.forEach(l -> l.accept(change));
            }
            if (first) {
              // anything cached before the feed's position was known may be stale
              members.clear();
              lists.clear();
            }
            position = body.getLong("latest");
            following.tryComplete();
            follow(0);
          } else {
            long delay = Math.min(30_000, 500L << Math.min(failures, 6));
            LOG.warn("registry change feed unavailable ({}); retrying in {} ms", ar.succeeded()
                ? "HTTP " + ar.result().statusCode() : ar.cause().toString(), delay);
            vertx.setTimer(delay, t -> follow(failures + 1));
          }
        });
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    closed = true;
    web.close();
  }
}
