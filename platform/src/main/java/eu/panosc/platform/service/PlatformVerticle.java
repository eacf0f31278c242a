package eu.panosc.platform.service;

import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.db.Database;
import eu.panosc.platform.db.DatabaseReadiness;
import eu.panosc.platform.health.HealthEndpoint;
import eu.panosc.platform.health.Lifecycle;
import eu.panosc.platform.http.AccessLog;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.platform.http.StrictPaths;
import eu.panosc.platform.http.UnreadBodies;
import eu.panosc.platform.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts every {@link ServiceModule} on one HTTP server: migrates its schema, opens its pool, adds
 * the common routes (health, metrics, OpenAPI, the landing page at its root) and the module's own; the landing
 * page at {@code /} links every service. Stopping is graceful: readiness
 * turns false, in-flight requests finish within the grace period, then pools close.
 */
public final class PlatformVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PlatformVerticle.class);

  private final PanoscConfig config;
  private final List<ServiceModule> modules;
  private final Database database;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final Lifecycle lifecycle = new Lifecycle();
  private final List<Pool> pools = new ArrayList<>();
  private HttpServer server;
  private HttpServerOptions serverOptions;
  private volatile Router active;
  private final java.util.Set<String> mounted = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile URI baseUrl;
  private Future<Void> feedsStopped;

  public PlatformVerticle(PanoscConfig config, List<ServiceModule> modules, Database database,
      PrometheusMeterRegistry registry, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.modules = List.copyOf(modules);
    this.database = Objects.requireNonNull(database, "database");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Future<?> start() {
    Router root = Router.router(vertx);
    root.route().handler(new UnreadBodies()).handler(new RequestIds()).handler(new AccessLog())
        .handler(new StrictPaths());
    // Listen first (the actual port gives the base URLs). While modules are mounted, one after the other, a mounted
    // module already answers (a later one may read from it at start, e.g. the registry's change feed); every other
    // path answers 503. The gate goes once every module is mounted.
    io.vertx.ext.web.Route gate = root.route().handler(ctx -> {
      if (isMounted(ctx.normalizedPath())) {
        ctx.next();
      } else {
        FailureHandler.write(ctx,
            eu.panosc.platform.http.Problem.of(503, "Service Unavailable", "The control plane is starting."));
      }
    });
    root.get("/metrics").handler(Metrics.scrapeHandler(registry));
    root.route().failureHandler(new FailureHandler());
    FailureHandler.installErrorHandlers(root);
    serverOptions = new HttpServerOptions()
        .setHost(config.server().host()).setPort(config.server().port())
        .setCompressionSupported(true).setMaxHeaderSize(16 * 1024);
    server = vertx.createHttpServer(serverOptions);
    active = root;
    return server.requestHandler(req -> active.handle(req)).listen()
        .recover(e -> Future.failedFuture(listenError(e)))
        .compose(s -> {
          baseUrl = config.server().baseUrl(s.actualPort());
          Future<Void> chain = Future.succeededFuture();
          for (ServiceModule module : modules) {
            chain = chain.compose(v -> mountModule(root, module));
          }
          return chain;
        })
        .map(v -> {
          LandingPage.serveRoot(root.get("/"), this::baseUrl, modules);
          gate.remove();
          return null;
        })
        .onSuccess(v -> LOG.info("listening on {}:{} with {} event loop(s), public base URL {}", config.server().host(),
            server.actualPort(), config.server().port() == 0 ? 1 : config.server().eventLoops(), baseUrl));
  }

  private boolean isMounted(String path) {
    for (String mount : mounted) {
      if (path.equals(mount) || path.startsWith(mount + "/")) {
        return true;
      }
    }
    return false;
  }

  /** The handler every server of this process gives its requests to (the mounted routers once started). */
  Handler<HttpServerRequest> requestHandler() {
    return req -> active.handle(req);
  }

  /** The root router, the modules' routers mounted beneath it. */
  Router router() {
    return active;
  }

  HttpServerOptions serverOptions() {
    return new HttpServerOptions(serverOptions);
  }

  private Throwable listenError(Throwable e) {
    if (e instanceof java.net.BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
      return new IllegalStateException("port " + config.server().port() + " on " + config.server().host()
          + " is already in use; stop the other process or choose another with --port");
    }
    return e;
  }

  private Future<Void> mountModule(Router root, ServiceModule module) {
    URI base = baseUrl;
    return vertx.executeBlocking(() -> database.migrate(module.schema()), false)
        .compose(version -> {
          Pool pool = database.pool(vertx, module.schema());
          pools.add(pool);
          Router router = Router.router(vertx);
          List<eu.panosc.platform.health.ReadinessCheck> checks = new ArrayList<>();
          checks.add(new DatabaseReadiness(pool));
          checks.addAll(module.readinessChecks());
          new HealthEndpoint(vertx, lifecycle, checks, Duration.ofSeconds(3)).mount(router);
          router.get("/metrics").handler(Metrics.scrapeHandler(registry));
          OpenApiDocuments.Rendered doc = OpenApiDocuments.build(module, base + module.mountPath());
          router.get("/openapi.json").handler(ctx -> ctx.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(doc.json()));
          router.get("/openapi.yaml").handler(ctx -> ctx.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(doc.yaml()));
          ServiceContext ctx = new ServiceContext(vertx, config, config.service(module.name()), pool, registry,
              clock, lifecycle, base, URI.create(base + module.mountPath()), database.target());
          return module.mount(router, ctx).map(router);
        })
        .map(router -> {
          LandingPage.serveModule(router.get("/"), this::baseUrl, module);
          LandingPage.serveModule(root.get(module.mountPath()), this::baseUrl, module);
          UnmatchedRequests.install(router);
          router.route().failureHandler(new FailureHandler());
          FailureHandler.installErrorHandlers(router);
          root.route(module.mountPath() + "/*").subRouter(router);
          module.wellKnown().forEach((suffix, handler) ->
              root.get("/.well-known/" + suffix + module.mountPath()).handler(handler));
          mounted.add(module.mountPath());
          LOG.info("mounted {} at {} ({})", module.name(), module.mountPath(), module.title());
          return null;
        });
  }

  /** The public base URL, known once the server listens. */
  public URI baseUrl() {
    return baseUrl;
  }

  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /**
   * Stops every module's feeds ({@link ServiceModule#stopFeeds()}) once, before any HTTP server of this platform stops;
   * a module's failure there is ignored (its {@code stop()} still runs).
   */
  public synchronized Future<Void> stopFeeds() {
    if (feedsStopped == null) {
      feedsStopped = Future.join(modules.stream().map(ServiceModule::stopFeeds).toList()).<Void>mapEmpty()
          .otherwiseEmpty();
    }
    return feedsStopped;
  }

  @Override
  public Future<?> stop() {
    lifecycle.markStopping();
    long graceMillis = config.server().shutdownGrace().toMillis();
    // the drain delay already passed (Platform.stop) and the feeds stopped (none retries against the closing
    // port); in-flight requests finish before the modules release what they hold and any pool closes
    Future<Void> closed = stopFeeds().compose(v -> server == null ? Future.succeededFuture()
        : server.shutdown(graceMillis, TimeUnit.MILLISECONDS));
    return closed
        .eventually(() -> Future.join(modules.stream().map(ServiceModule::stop).toList()))
        .eventually(() -> Future.join(pools.stream().map(Pool::close).toList()))
        .onComplete(ar -> LOG.info("stopped"));
  }
}
