package eu.panosc.aai.registry;

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
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How other services read the registry: over its HTTP read API ({@code /registry/v1}, scope
 * {@code registry:read}), with a cache of approved members (including "not found" answers) that a
 * long poll on the change feed keeps fresh, so a newly approved client is usable within about a
 * second and a suspended one stops working as fast, without restarts. Answers are parsed once into typed records
 * ({@link RegisteredClient}, {@link ClientCredentials}, {@link Facility}, {@link ResourceServer}); a malformed
 * answer fails with a {@link RegistryAnswerException}, so that callers deny.
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
  /** The longest member id the registry accepts. */
  static final int MAX_MEMBER_ID = 2048;
  private final Map<String, Future<Optional<?>>> members = new ConcurrentHashMap<>();
  private final Map<String, Future<List<?>>> lists = new ConcurrentHashMap<>();
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

  /** The approved client {@code id}, or empty; cached until it changes. Fails on a malformed answer. */
  public Future<Optional<RegisteredClient>> client(String id) {
    return member(id, "clients/" + id, () -> "/v1/clients/" + encode(id), RegistryRecords::client);
  }

  /**
   * How the approved client {@code id} authenticates; needs scopes {@code registry:read registry:credentials}.
   * Cached, and forgotten when the client changes. Fails on a malformed answer.
   */
  public Future<Optional<ClientCredentials>> credentials(String id) {
    return member(id, "clients/" + id + "/credentials", () -> "/v1/clients/" + encode(id) + "/credentials",
        RegistryRecords::credentials);
  }

  /** The approved facility {@code id}, or empty; cached until it changes. Fails on a malformed answer. */
  public Future<Optional<Facility>> facility(String id) {
    return member(id, "facilities/" + id, () -> "/v1/facilities/" + encode(id), RegistryRecords::facility);
  }

  /** The approved upstream IdP {@code id}, or empty; cached until it changes. Fails on a malformed answer. */
  public Future<Optional<UpstreamIdp>> upstreamIdp(String id) {
    return member(id, "upstream-idps/" + id, () -> "/v1/upstream-idps/" + encode(id), RegistryRecords::upstreamIdp);
  }

  /** All approved upstream IdPs; cached until one of them changes. A malformed member is left out (and logged). */
  public Future<List<UpstreamIdp>> upstreamIdps() {
    return list("upstream-idps", RegistryRecords::upstreamIdp, true);
  }

  /** All approved clients; cached until one of them changes. Fails when one of them is malformed. */
  public Future<List<RegisteredClient>> clients() {
    return list("clients", RegistryRecords::client, false);
  }

  /** All approved resource servers; cached until one of them changes. Fails when one of them is malformed. */
  public Future<List<ResourceServer>> resourceServers() {
    return list("resource-servers", RegistryRecords::resourceServer, false);
  }

  /**
   * Whether {@code id} can name a registry member: the registry checks every member id with the platform's
   * identifier rule ({@code Input.id}, at most {@value #MAX_MEMBER_ID} characters, no control characters), so an id
   * outside it (empty, a control character, too long) is unknown without a request — a request for it would only
   * fail and turn "unknown" into "registry unavailable".
   */
  static boolean possibleId(String id) {
    try {
      eu.panosc.platform.input.Input.id("id", id, MAX_MEMBER_ID);
      return true;
    } catch (eu.panosc.platform.input.InvalidInputException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Future<Optional<T>> member(String id, String key, Supplier<String> pathOf,
      Function<JsonObject, T> parse) {
    if (!possibleId(id)) {
      return Future.succeededFuture(Optional.empty());  // no member can have it: unknown, the registry not asked
    }
    Future<Optional<?>> cached = members.get(key);
    if (cached != null) {
      hits.incrementAndGet();
      return (Future<Optional<T>>) (Future<?>) cached;
    }
    misses.incrementAndGet();
    String path = pathOf.get();
    if (members.size() >= MAX_CACHED) {
      members.clear();
    }
    Future<Optional<T>> loaded = call(path).map(r -> switch (r.statusCode()) {
      case 200 -> Optional.of(parse.apply(body(r, path)));
      case 404 -> Optional.<T>empty();
      default -> throw new IllegalStateException("registry answered " + r.statusCode() + " for " + path);
    });
    Future<Optional<?>> stored = (Future<Optional<?>>) (Future<?>) loaded;
    members.put(key, stored);
    loaded.onFailure(e -> {
      members.remove(key, stored);
      if (e instanceof RegistryAnswerException) {
        LOG.warn("{}; denied", e.getMessage());
      }
    });
    return loaded;
  }

  @SuppressWarnings("unchecked")
  /**
   * One collection, cached until it changes. {@code skipMalformed}: a malformed member is left out (logged with its
   * id and reason) so one bad row cannot stop the list from following the registry; otherwise the whole list fails
   * (the callers that decide on it deny).
   */
  private <T> Future<List<T>> list(String collection, Function<JsonObject, T> parse, boolean skipMalformed) {
    Future<List<?>> cached = lists.get(collection);
    if (cached != null) {
      hits.incrementAndGet();
      return (Future<List<T>>) (Future<?>) cached;
    }
    misses.incrementAndGet();
    String path = "/v1/" + collection;
    Future<List<T>> loaded = call(path).map(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("registry answered " + r.statusCode() + " for " + collection);
      }
      Object items = body(r, path).getValue("items");
      if (!(items instanceof JsonArray array)) {
        throw new RegistryAnswerException(collection, "items", "must be an array");
      }
      List<T> out = new java.util.ArrayList<>(array.size());
      for (Object o : array) {
        if (!(o instanceof JsonObject item)) {
          throw new RegistryAnswerException(collection, "items", "must be an array of objects");
        }
        try {
          out.add(parse.apply(item));
        } catch (RegistryAnswerException e) {
          if (!skipMalformed) {
            throw e;
          }
          LOG.warn("{} (member {}); left out", e.getMessage(), loggableId(item.getValue("id")));
        }
      }
      return List.copyOf(out);
    });
    Future<List<?>> stored = (Future<List<?>>) (Future<?>) loaded;
    lists.put(collection, stored);
    loaded.onFailure(e -> {
      lists.remove(collection, stored);
      if (e instanceof RegistryAnswerException) {
        LOG.warn("{}; denied", e.getMessage());
      }
    });
    return loaded;
  }

  /** A member's id for a log line: only a well-formed id is printed. */
  private static String loggableId(Object id) {
    return id instanceof String s && s.length() <= 200 && s.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? s : "?";
  }

  /** The response body as a JSON object, or a {@link RegistryAnswerException}. */
  private static JsonObject body(HttpResponse<io.vertx.core.buffer.Buffer> r, String path) {
    try {
      JsonObject body = r.bodyAsJsonObject();
      if (body == null) {
        throw new RegistryAnswerException(path, "body", "is empty");
      }
      return body;
    } catch (io.vertx.core.json.DecodeException | ClassCastException e) {
      throw new RegistryAnswerException(path, "body", "is not a JSON object");
    }
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
            try {
              apply(ar.result().bodyAsJsonObject());
            } catch (RuntimeException malformed) {
              // never follow on from an answer we could not read: forget everything cached (nothing can be stale
              // then) and ask again from the same position
              members.clear();
              lists.clear();
              long delay = Math.min(30_000, 500L << Math.min(failures, 6));
              LOG.error("registry change feed answer malformed ({}); cache cleared, retrying in {} ms",
                  malformed.getClass().getSimpleName(), delay);
              vertx.setTimer(delay, t -> follow(failures + 1));
              return;
            }
            following.tryComplete();
            follow(0);
          } else {
            long delay = Math.min(30_000, 500L << Math.min(failures, 6));
            LOG.warn("registry change feed unavailable ({}); retrying in {} ms", ar.succeeded()
                ? "HTTP " + ar.result().statusCode() : String.valueOf(ar.cause().getMessage()), delay);
            vertx.setTimer(delay, t -> follow(failures + 1));
          }
        });
  }

  /** Forgets what the changes in {@code body} touched and moves the position; throws when the body is malformed. */
  private void apply(JsonObject body) {
    if (body == null || !(body.getValue("changes") instanceof io.vertx.core.json.JsonArray changes)
        || !(body.getValue("latest") instanceof Number latest)) {
      throw new IllegalArgumentException("changes and latest are required");
    }
    java.util.List<Change> parsed = new java.util.ArrayList<>();
    for (Object o : changes) {
      if (!(o instanceof JsonObject c) || !(c.getValue("id") instanceof Number id)
          || !(c.getValue("collection") instanceof String collection)
          || !(c.getValue("memberId") instanceof String memberId) || !(c.getValue("action") instanceof String action)) {
        throw new IllegalArgumentException("a change needs id, collection, memberId and action");
      }
      parsed.add(new Change(id.longValue(), collection, memberId, action));
    }
    boolean first = position < 0;
    for (Change change : parsed) {
      String key = change.collection() + "/" + change.memberId();
      members.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "/"));
      lists.remove(change.collection());
      for (Consumer<Change> l : listeners) {
        try {
          l.accept(change);
        } catch (RuntimeException e) {
          LOG.error("a registry change listener failed on {} {}", change.collection(), change.action(), e);
        }
      }
    }
    if (first) {
      // anything cached before the feed's position was known may be stale
      members.clear();
      lists.clear();
    }
    position = latest.longValue();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Stops following the change feed (an answer in flight is dropped without a retry); reads still work, from the
   * cache or the registry. Called at shutdown before the HTTP server stops.
   */
  public void stopFollowing() {
    closed = true;
  }

  @Override
  public void close() {
    stopFollowing();
    web.close();
  }
}
