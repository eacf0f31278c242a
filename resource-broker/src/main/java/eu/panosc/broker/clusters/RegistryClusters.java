package eu.panosc.broker.clusters;

import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.model.Resources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ClusterDirectory} in step with the federation-registry's approved {@code clusters} members: reads
 * {@code GET <registry>/v1/clusters} (scope {@code registry:read}), then follows {@code GET /v1/changes} (long poll)
 * and reads the list again whenever a cluster changed, plus every {@code refresh} (credentials rotate without a
 * registry change). Each member's {@code credentialsRef} is resolved by the {@link CredentialsResolver}; a member
 * whose reference cannot be resolved, or whose document the broker cannot use, is left out and listed in
 * {@link #skipped} with the reason. A cluster suspended or deleted in the registry leaves the directory (its driver
 * closed); sessions already on it keep their state until it returns.
 *
 * <p>What the registry does not model takes the broker's defaults: the namespace (configured), preference 50, each
 * storage site mounted from the claim named like the site at its root.
 */
public final class RegistryClusters {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryClusters.class);
  private static final int WAIT_SECONDS = 25;
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  /** Makes the driver of a registry cluster from its description and resolved token. */
  @FunctionalInterface
  public interface DriverFactory {
    SessionDriver connect(Cluster cluster, String token);
  }

  private record Applied(Cluster cluster, String token) {}

  private final Vertx vertx;
  private final WebClient web;
  private final String base;
  private final Supplier<Future<String>> token;
  private final ClusterDirectory directory;
  private final CredentialsResolver credentials;
  private final DriverFactory drivers;
  private final String namespace;
  private final Duration refresh;
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();
  private final Map<String, String> skipped = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile long position = -1;
  private long refreshTimer = -1;
  private Future<Void> loading;

  /**
   * @param registry the registry's base URL, e.g. {@code https://panosc.example/registry}
   * @param token a {@code registry:read} access token for the broker's own client
   * @param namespace where sessions of registry clusters run
   * @param refresh how often the list is read again besides changes
   */
  public RegistryClusters(Vertx vertx, WebClient web, URI registry, Supplier<Future<String>> token,
      ClusterDirectory directory, CredentialsResolver credentials, DriverFactory drivers, String namespace,
      Duration refresh) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.web = Objects.requireNonNull(web, "web");
    this.base = registry.toString().replaceAll("/+$", "");
    this.token = Objects.requireNonNull(token, "token");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.drivers = Objects.requireNonNull(drivers, "drivers");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
  }

  /** Registry members left out, by id, with why (e.g. a credentialsRef that does not resolve). */
  public Map<String, String> skipped() {
    return Map.copyOf(skipped);
  }

  /**
   * Reads the list once and then follows the change feed in the background. The answer fails when the first read
   * fails (the broker starts anyway with its configured clusters, and the follower keeps trying).
   */
  public Future<Void> start() {
    Future<Void> first = get("/v1/changes").map(b -> {
      position = b.getLong("latest", 0L);
      return (Void) null;
    }).compose(x -> load());
    first.onComplete(ar -> follow());
    refreshTimer = vertx.setPeriodic(refresh.toMillis(), t -> load());
    return first;
  }

  /** Reads the registry's clusters now and brings the directory to them. One read at a time. */
  public synchronized Future<Void> load() {
    if (loading != null) {
      return loading;
    }
    Future<Void> f = get("/v1/clusters").compose(this::apply);
    loading = f;
    f.onComplete(ar -> {
      synchronized (this) {
        loading = null;
      }
      if (ar.failed() && !closed) {
        LOG.warn("cannot read clusters from the federation-registry at {}: {}", base, ar.cause().getMessage());
      }
    });
    return f;
  }

  private void follow() {
    if (closed) {
      return;
    }
    Future<Void> step = position < 0
        ? get("/v1/changes").map(b -> {
          position = b.getLong("latest", 0L);
          return (Void) null;
        }).compose(x -> load())
        : get("/v1/changes?after=" + position + "&wait=" + WAIT_SECONDS).compose(b -> {
          JsonArray changes = b.getJsonArray("changes", new JsonArray());
          long latest = b.getLong("latest", position);
          boolean clusters = changes.stream().anyMatch(c -> c instanceof JsonObject o
              && "clusters".equals(o.getString("collection")));
          position = Math.max(position, latest);
          return clusters ? load() : Future.succeededFuture();
        });
    step.onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("federation-registry change feed at {}: {}; retrying in 5 s", base, ar.cause().getMessage());
        position = -1;
        vertx.setTimer(5_000, t -> follow());
      } else {
        follow();
      }
    });
  }

  private Future<JsonObject> get(String path) {
    return token.get().compose(t -> web.getAbs(base + path).bearerTokenAuthentication(t)
        .timeout((WAIT_SECONDS + 10) * 1000L).send()).compose(RegistryClusters::json);
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> r) {
    if (r.statusCode() != 200) {
      return Future.failedFuture(new IllegalStateException("the registry answered " + r.statusCode()));
    }
    try {
      return Future.succeededFuture(r.bodyAsJsonObject());
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalStateException("the registry's answer is not a JSON object"));
    }
  }

  private Future<Void> apply(JsonObject answer) {
    Object items = answer.getValue("items");
    if (!(items instanceof JsonArray list)) {
      return Future.failedFuture(new IllegalStateException("the registry's cluster list has no items array"));
    }
    Map<String, Cluster> wanted = new LinkedHashMap<>();
    Map<String, String> refs = new LinkedHashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (Object o : list) {
      if (!(o instanceof JsonObject doc)) {
        continue;
      }
      String id = doc.getValue("id") instanceof String s ? s : "?";
      try {
        Cluster c = cluster(doc);
        if (directory.entry(c.id()).map(e -> e.source() == ClusterDirectory.Source.CONFIG).orElse(false)) {
          refused.put(c.id(), "a configured cluster of the same id (services.broker.clusters) wins");
          continue;
        }
        wanted.put(c.id(), c);
        refs.put(c.id(), doc.getString("credentialsRef"));
      } catch (RuntimeException e) {
        refused.put(id, e.getMessage());
      }
    }
    List<Future<Void>> steps = new ArrayList<>();
    for (Cluster c : wanted.values()) {
      steps.add(credentials.token(refs.get(c.id())).transform(ar -> {
        if (ar.failed()) {
          refused.put(c.id(), ar.cause().getMessage());
          return Future.succeededFuture();
        }
        Applied now = new Applied(c, ar.result());
        Applied before = applied.get(c.id());
        if (now.equals(before)) {
          return Future.succeededFuture();
        }
        try {
          SessionDriver driver = drivers.connect(c, ar.result());
          directory.put(c, driver).ifPresent(SessionDriver::close);
          applied.put(c.id(), now);
          LOG.info("cluster {} from the federation-registry: {} ({})", c.id(), before == null ? "added" : "updated",
              c.kubernetes().map(Cluster.KubernetesTarget::apiUrl).orElse("-"));
        } catch (RuntimeException e) {
          refused.put(c.id(), "cannot connect: " + e.getMessage());
        }
        return Future.succeededFuture();
      }));
    }
    return Future.join(steps).transform(x -> {
      Set<String> keep = new java.util.HashSet<>(wanted.keySet());
      keep.removeAll(refused.keySet());
      for (String id : directory.ids(ClusterDirectory.Source.REGISTRY)) {
        if (!keep.contains(id)) {
          directory.remove(id).ifPresent(d -> {
            LOG.info("cluster {} left the federation-registry's approved clusters (or became unusable); removed", id);
            d.close();
          });
          applied.remove(id);
        }
      }
      skipped.clear();
      skipped.putAll(refused);
      refused.forEach((id, why) -> LOG.warn("registry cluster {} left out: {}", id, why));
      return Future.<Void>succeededFuture();
    });
  }

  /** The broker's view of one registry {@code clusters} member; fails naming the field it cannot use. */
  Cluster cluster(JsonObject doc) {
    String id = text(doc, "id");
    if (!id.matches(DNS_LABEL)) {
      throw new IllegalArgumentException("id is not a DNS label");
    }
    Optional<String> facility = doc.getValue("facility") == null ? Optional.empty() : Optional.of(text(doc, "facility"));
    String api = text(doc, "apiUrl");
    URI apiUri;
    try {
      apiUri = new URI(api);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("apiUrl is not a URL");
    }
    if (!"https".equals(apiUri.getScheme()) && !"http".equals(apiUri.getScheme())) {
      throw new IllegalArgumentException("apiUrl is not an http(s) URL");
    }
    if (!(doc.getValue("capacity") instanceof JsonObject cap)) {
      throw new IllegalArgumentException("capacity is missing");
    }
    long memoryMi = number(cap, "memoryGi") * 1024;
    Resources capacity = new Resources(number(cap, "cpu"), memoryMi, cap.getValue("gpu") == null ? 0 : number(cap, "gpu"));
    Map<String, Cluster.StorageMount> sites = new LinkedHashMap<>();
    if (doc.getValue("storageSites") instanceof JsonArray s) {
      for (Object site : s) {
        if (!(site instanceof String name) || !name.matches(DNS_LABEL)) {
          throw new IllegalArgumentException("storageSites holds a value that is not a site id");
        }
        sites.put(name, new Cluster.StorageMount(name, "/"));
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (doc.getValue("labels") instanceof JsonObject l) {
      l.forEach(e -> {
        if (!(e.getValue() instanceof String v)) {
          throw new IllegalArgumentException("labels." + e.getKey() + " is not a string");
        }
        labels.put(e.getKey(), v);
      });
    }
    return new Cluster(id, Cluster.Kind.KUBERNETES, facility, capacity, sites, labels, 50,
        Optional.of(new Cluster.KubernetesTarget(api, namespace, Optional.empty(), false)));
  }

  private static String text(JsonObject o, String key) {
    if (!(o.getValue(key) instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(key + " is missing or not a string");
    }
    return s;
  }

  private static long number(JsonObject o, String key) {
    if (!(o.getValue(key) instanceof Number n) || n.longValue() < 0) {
      throw new IllegalArgumentException("capacity." + key + " is missing or not a non-negative number");
    }
    return n.longValue();
  }

  /**
   * Stops following the registry's change feed and refreshing (a call in flight ends without a retry or a warning);
   * the registry clusters stay usable. Called at shutdown before the HTTP server stops.
   */
  public void stopFollowing() {
    closed = true;
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
  }

  /** Stops following; closes the drivers of registry clusters and removes them. */
  public Future<Void> close() {
    stopFollowing();
    List<Future<Void>> all = new ArrayList<>();
    for (String id : directory.ids(ClusterDirectory.Source.REGISTRY)) {
      directory.remove(id).ifPresent(d -> all.add(d.close()));
    }
    applied.clear();
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }
}
