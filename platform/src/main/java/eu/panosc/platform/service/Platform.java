package eu.panosc.platform.service;

import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.db.Database;
import eu.panosc.platform.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running control plane process: Vert.x with Prometheus metrics, the database, and one
 * {@link PlatformVerticle} serving the given modules. Start with {@link #start}, stop with
 * {@link #stop} (graceful), which a SIGTERM hook should call.
 */
public final class Platform {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final Vertx vertx;
  private final Database database;
  private final PlatformVerticle verticle;
  private final PrometheusMeterRegistry registry;
  private final PanoscConfig config;
  private final String deploymentId;
  /** Deployment id of the further servers on other event loops, or null. */
  private final String extraServers;

  private Platform(Vertx vertx, Database database, PlatformVerticle verticle, PrometheusMeterRegistry registry,
      PanoscConfig config, String deploymentId, String extraServers) {
    this.config = config;
    this.deploymentId = deploymentId;
    this.extraServers = extraServers;
    this.vertx = vertx;
    this.database = database;
    this.verticle = verticle;
    this.registry = registry;
  }

  /**
   * Starts everything. Completes exceptionally with a cause whose message is fit for a one-line error;
   * on failure whatever was started is stopped again.
   */
  public static CompletableFuture<Platform> start(PanoscConfig config, List<ServiceModule> modules, Clock clock) {
    Objects.requireNonNull(config, "config");
    try {
      checkConfig(config, modules);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    PrometheusMeterRegistry registry = Metrics.createRegistry();
    Vertx vertx = Metrics.vertx(registry);
    CompletableFuture<Platform> result = new CompletableFuture<>();
    vertx.executeBlocking(() -> Database.open(config.database(), config.dataDir()), false)
        .onFailure(e -> vertx.close().onComplete(ignored -> result.completeExceptionally(e)))
        .onSuccess(db -> {
          PlatformVerticle verticle = new PlatformVerticle(config, modules, db, registry, clock);
          vertx.deployVerticle(verticle)
              .compose(id -> moreEventLoops(vertx, config, verticle)
                  .onSuccess(extra -> result.complete(new Platform(vertx, db, verticle, registry, config, id, extra))))
              .onFailure(e -> vertx.executeBlocking(() -> {
                db.close();
                return null;
              }, false).onComplete(ignored -> vertx.close().onComplete(x -> result.completeExceptionally(e))));
        });
    return result;
  }

  /**
   * Asks every module to check its {@code services.<name>} section before anything starts; throws the first
   * {@link eu.panosc.platform.config.ConfigException}.
   */
  public static void checkConfig(PanoscConfig config, List<ServiceModule> modules) {
    java.net.URI publicRoot = config.server().baseUrl(config.server().port() == 0 ? 8080 : config.server().port());
    for (ServiceModule module : modules) {
      module.checkConfig(config.service(module.name()), config, publicRoot);
    }
  }

  /**
   * Further servers on the same port, each on its own event loop, serving the same routers. A random port
   * (tests) cannot be shared by servers started separately: then one event loop serves.
   */
  private static Future<String> moreEventLoops(Vertx vertx, PanoscConfig config, PlatformVerticle verticle) {
    int extra = config.server().eventLoops() - 1;
    if (extra <= 0 || config.server().port() == 0) {
      return Future.succeededFuture(null);
    }
    return vertx.deployVerticle(() -> new ServerInstance(verticle.serverOptions(), verticle.requestHandler(),
        config.server().shutdownGrace()), new io.vertx.core.DeploymentOptions().setInstances(extra));
  }

  /** Applies every module's migrations and returns; for {@code panosc migrate}. Blocking. */
  public static void migrate(PanoscConfig config, List<ServiceModule> modules) {
    try (Database db = Database.open(config.database(), config.dataDir())) {
      for (ServiceModule m : modules) {
        db.migrate(m.schema());
      }
    }
  }

  public int port() {
    return verticle.actualPort();
  }

  public URI baseUrl() {
    return verticle.baseUrl();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Database database() {
    return database;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every method and path the server answers (once started), sub-routers included, in OpenAPI's spelling. */
  public List<RouteTable.Entry> routes() {
    return RouteTable.of(verticle.router());
  }

  /** Graceful stop: readiness false, in-flight requests finish, then database and Vert.x close. */
  public CompletableFuture<Void> stop() {
    LOG.info("shutting down");
    verticle.lifecycle().markStopping(); // readiness is false from this call on
    CompletableFuture<Void> done = new CompletableFuture<>();
    long drainMillis = config.server().drainDelay().toMillis();
    // keep serving (readiness already 503) so load balancers notice; then the modules' feeds stop, every server
    // finishes its in-flight requests (extra servers first), then modules, pools, the database and Vert.x close
    Future<Void> drained = drainMillis == 0 ? Future.succeededFuture()
        : Future.future(p -> vertx.setTimer(drainMillis, t -> p.complete()));
    drained
        .compose(v -> verticle.stopFeeds())
        .compose(v -> extraServers == null ? Future.succeededFuture() : vertx.undeploy(extraServers))
        .eventually(() -> vertx.undeploy(deploymentId))
        .eventually(() -> vertx.executeBlocking(() -> {
          database.close();
          return null;
        }, false))
        .onComplete(ar -> vertx.close().onComplete(closed -> {
          if (ar.failed()) {
            done.completeExceptionally(ar.cause());
          } else {
            done.complete(null);
          }
        }));
    return done;
  }

}
