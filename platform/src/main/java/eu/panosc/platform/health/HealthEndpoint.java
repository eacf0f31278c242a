package eu.panosc.platform.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health/live} (the process runs its event loop) and {@code GET /health/ready} (200 when
 * every {@link ReadinessCheck} passes within the timeout and no shutdown has begun, else 503 with
 * the failing checks named). What Kubernetes liveness and readiness probes call.
 */
public final class HealthEndpoint {
  private final Vertx vertx;
  private final Lifecycle lifecycle;
  private final List<ReadinessCheck> checks;
  private final Duration timeout;

  public HealthEndpoint(Vertx vertx, Lifecycle lifecycle, List<ReadinessCheck> checks, Duration timeout) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    this.checks = List.copyOf(checks);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> write(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    if (lifecycle.stopping()) {
      write(ctx, 503, new JsonObject().put("status", "DOWN").put("reason", "shutting down"));
      return;
    }
    List<Future<String>> results = new ArrayList<>();
    for (ReadinessCheck c : checks) {
      results.add(c.check()
          .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .map(v -> "UP")
          .otherwise(e -> "DOWN: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
    }
    Future.join(results).onComplete(ignored -> {
      JsonObject details = new JsonObject();
      boolean up = true;
      for (int i = 0; i < checks.size(); i++) {
        String r = results.get(i).result();
        details.put(checks.get(i).name(), r);
        up &= "UP".equals(r);
      }
      write(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", details));
    });
  }

  private static void write(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
