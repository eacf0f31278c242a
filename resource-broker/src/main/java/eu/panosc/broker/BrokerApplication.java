package eu.panosc.broker;

import eu.panosc.broker.api.ActivityEndpoint;
import eu.panosc.broker.api.SessionsEndpoint;
import eu.panosc.broker.cull.ActivityService;
import eu.panosc.broker.cull.Culler;
import eu.panosc.broker.cull.PgLifecycleStore;
import eu.panosc.broker.clusters.ClusterDirectory;
import eu.panosc.broker.clusters.CredentialsResolver;
import eu.panosc.broker.clusters.RegistryClusters;
import eu.panosc.broker.clusters.RegistrySettings;
import eu.panosc.broker.driver.SessionDriver;
import eu.panosc.broker.driver.kubernetes.KubernetesDriver;
import eu.panosc.broker.driver.local.LocalProcessDriver;
import eu.panosc.broker.model.Cluster;
import eu.panosc.broker.pdp.CanonicalSubjects;
import eu.panosc.broker.pdp.PdpClient;
import eu.panosc.broker.pdp.ServiceTokens;
import eu.panosc.broker.placement.Placer;
import eu.panosc.broker.session.AccessCheck;
import eu.panosc.broker.session.Reconciler;
import eu.panosc.broker.session.SessionService;
import eu.panosc.broker.staging.KubernetesStaging;
import eu.panosc.broker.staging.PgStagingStore;
import eu.panosc.broker.staging.Staging;
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.broker.staging.StagingProgress;
import eu.panosc.broker.usage.PgUsageStore;
import eu.panosc.broker.usage.UsageDelivery;
import eu.panosc.broker.usage.UsageMeter;
import eu.panosc.broker.usage.UsageSettings;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of the resource-broker service, mounted at {@code /broker}: Jupyter and remote-desktop analysis
 * sessions placed on facility and EOSC clusters near their data ({@code /v1/images}, {@code /v1/flavours},
 * {@code /v1/sessions}), run by the Kubernetes or the local process driver, kept true by a reconciler that runs on
 * one replica at a time (PostgreSQL advisory lock).
 */
public final class BrokerApplication implements ServiceModule {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerApplication.class);

  private final List<SessionDriver> drivers = new ArrayList<>();
  private Reconciler reconciler;
  private RegistryClusters registryClusters;
  private eu.panosc.platform.leader.Leadership leadership;
  private WebClient web;
  // reaching sessions: proxy client, activity batching (see eu.panosc.broker.proxy, .access, .events)
  private eu.panosc.broker.proxy.EventLoopClients proxyClient;
  private eu.panosc.broker.access.ActivityRecorder activity;
  private long activityTimer = -1;
  private io.vertx.core.Vertx vertx;
  private eu.panosc.broker.store.SessionFeed feed;
  /** The activity agent that session Pods on Kubernetes clusters run (services.broker.activityAgent). */
  private Optional<eu.panosc.broker.driver.ActivityAgent> activityAgent = Optional.empty();
  /** The broker's own database pool, its connections on several event loops (null: the platform's pool serves). */
  private io.vertx.sqlclient.Pool spreadPool;
  /** Where the pod informers' observations go (set once the session service exists). */
  private volatile SessionService watched;
  /** How often proxied activity is written to the store. */
  static final java.time.Duration ACTIVITY_FLUSH = java.time.Duration.ofSeconds(30);

  @Override
  public String name() {
    return "broker";
  }

  @Override
  public String title() {
    return "Jupyter and remote-desktop analysis sessions on facility and EOSC clusters";
  }

  @Override
  public void checkConfig(ConfigNode section, PanoscConfig config, URI publicRoot) {
    BrokerSettings.from(section, config.auth().issuerFor(publicRoot), publicRoot, config.demo());
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    BrokerSettings settings = BrokerSettings.from(context.section(), context.config().auth()
        .issuerFor(context.publicRoot()), context.publicRoot(), context.demo());
    activityAgent = settings.activityAgent();
    io.vertx.sqlclient.Pool pool = spreadPool(context);
    var events = new eu.panosc.broker.events.SessionEvents(1000);
    // every replica tells every change in the order of the notices PostgreSQL delivers (this one's own included),
    // under the notice's id: a stream resumes on any replica (see eu.panosc.broker.events.FeedEvents)
    var announcer = new eu.panosc.broker.store.Announcer(events.origin());
    var views = new eu.panosc.broker.events.PgSessionViews(pool);
    var feedEvents = new eu.panosc.broker.events.FeedEvents(context.vertx(), views, events);
    announcer.listener(feedEvents);
    // this replica's own changes also reach its access gate at once, after their commit, not only with their notice
    var localChanges = new eu.panosc.broker.events.SessionEvents(1);
    var store = new eu.panosc.broker.events.EventingBrokerStore(new PgBrokerStore(pool, announcer),
        localChanges);
    // listening on a connection of its own where the database's address is known: the pool's connections (4 by
    // default, one of them the leader lock's) all serve requests
    java.util.function.Supplier<Future<io.vertx.sqlclient.SqlConnection>> listenOn = context.databaseTarget()
        .<java.util.function.Supplier<Future<io.vertx.sqlclient.SqlConnection>>>map(t -> () -> io.vertx.pgclient
            .PgConnection.connect(context.vertx(), t.connectOptions(schema())).map(c -> c))
        .orElse(pool::getConnection);
    feed = new eu.panosc.broker.store.SessionFeed(context.vertx(), pool, listenOn, feedEvents::notice,
        feedEvents::changed, context.clock(), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30));
    feed.start();
    web = WebClient.create(context.vertx(), new WebClientOptions().setConnectTimeout(3000));
    Optional<ServiceTokens> serviceTokens = settings.pdp().map(p -> new ServiceTokens(web, p.tokenEndpoint(),
        p.clientId(), p.clientSecret(), p.timeout(), context.clock()));
    AccessCheck access = settings.pdp().<AccessCheck>map(p -> {
      ServiceTokens tokens = serviceTokens.orElseThrow();
      return new PdpClient(web, p.evaluationsEndpoint(), tokens,
          new CanonicalSubjects(web, tokens, p.resolveEndpoint()));
    }).orElseGet(() -> {
      LOG.warn("services.broker.pdp has no client credentials: sessions with datasets are refused (503)");
      return (caller, datasets) -> Future.failedFuture(new IllegalStateException(
          "no PDP client is configured (services.broker.pdp.clientId)"));
    });
    Map<String, SessionDriver> byCluster = new LinkedHashMap<>();
    for (Cluster c : settings.clusters()) {
      SessionDriver d = c.kind() == Cluster.Kind.KUBERNETES
          ? KubernetesDriver.connect(context.vertx(), c.kubernetes().orElseThrow(),
              java.util.Optional.ofNullable(settings.ingresses().get(c.id()))).activityAgent(settings.activityAgent())
          : new LocalProcessDriver(context.vertx(), settings.localCommands().getOrDefault(c.id(), List.of()),
              context.config().dataDir().resolve("broker-sessions").resolve(c.id()));
      drivers.add(d);
      byCluster.put(c.id(), d);
    }
    ClusterDirectory directory = ClusterDirectory.of(settings.clusters(), byCluster);
    Future<Void> fromRegistry = Future.succeededFuture();
    if (settings.clusterRegistry().isPresent()) {
      registryClusters = registryClusters(context, settings.clusterRegistry().get(), serviceTokens.orElseThrow(),
          directory);
      // the broker starts with its configured clusters even when the registry cannot be read yet
      fromRegistry = registryClusters.start().otherwiseEmpty();
    }
    SessionService sessions = new SessionService(store, Placer.standard(), directory, access,
        settings.datasets(), settings.rules(), context.clock());
    // pod changes reach sessions through one informer per Kubernetes cluster; the reconciler's pass stays the net
    watched = sessions;
    byCluster.forEach(this::watchPods);
    PgStagingStore stagingStore = new PgStagingStore(pool, Optional.of(announcer));
    sessions.staging(new Staging(stagingStore, settings.staging(), id -> directory.entry(id)
        .flatMap(e -> e.driver() instanceof KubernetesDriver k ? Optional.of(new KubernetesStaging(context.vertx(),
            k.client(), k.namespace(), settings.staging())) : Optional.empty()), context.clock()));
    PgLifecycleStore lifecycle = new PgLifecycleStore(pool, Optional.of(announcer));
    Culler culler = new Culler(sessions, lifecycle, context.clock());
    java.util.function.Supplier<Future<?>> firstInPass = culler::sweep;
    if (settings.usage().isPresent()) {
      UsageSettings us = settings.usage().get();
      PgUsageStore usage = new PgUsageStore(pool);
      sessions.idleLimits((id, inactivity, at) -> lifecycle.register(id, inactivity, at)
          .compose(x -> usage.begin(id, at)));
      UsageMeter meter = new UsageMeter(store, usage, directory, id -> stagingStore.get(id).map(p -> p
          .filter(x -> x.state() == StagingProgress.State.SUCCEEDED).map(StagingProgress::bytesTotal)), us.period(),
          context.clock());
      UsageDelivery delivery = new UsageDelivery(web, us.accounting(), () -> serviceTokens.orElseThrow()
          .token("accounting:ingest"), usage, context.clock(), us.batch());
      // each step runs whatever the previous one did; a failure is logged by the reconciler
      firstInPass = () -> culler.sweep().transform(x -> meter.sweep()).transform(x -> delivery.deliver());
    } else {
      sessions.idleLimits(lifecycle::register);
    }
    var auth = context.bearerAuth();
    // the access routes first (SessionsEndpoint's /v1/sessions/:id would take /v1/sessions/events)
    Future<Void> routes = mountAccess(router, context, auth, store, events, localChanges, views, sessions, access,
        directory)
        .onSuccess(x -> {
          new SessionsEndpoint(sessions).notices(culler::notices).mount(router, auth);
          new ActivityEndpoint(new ActivityService(store, lifecycle, context.clock())).mount(router);
        });
    // the reconciler (and the culler, usage meter and delivery run before each of its passes) on one replica
    leadership = context.leadership(name());
    var leader = leadership.singleton("reconciler");
    reconciler = new Reconciler(context.vertx(), sessions, leader, settings.reconcileInterval())
        .beforeEachPass(firstInPass);
    Future<Void> catalogue = routes;
    for (var f : settings.flavours()) {
      catalogue = catalogue.compose(x -> store.putFlavour(f));
    }
    for (var i : settings.images()) {
      catalogue = catalogue.compose(x -> store.putImage(i));
    }
    Future<Void> clustersRead = fromRegistry;
    return catalogue.compose(x -> clustersRead).onSuccess(x -> reconciler.start());
  }

  /**
   * The pool the broker's stores use. Where the database's address is known: a pool of the broker's own, as large as
   * the platform's ({@code database.poolSize}), whose connections live on as many event loops as serve HTTP
   * ({@code server.eventLoops}, {@code PoolOptions.setEventLoopSize}); each query's answer still comes back on the
   * event loop that asked. The platform makes every service's pool on its one verticle's event loop, where the create
   * benchmark's profile found 74 % of the control plane's CPU, a third of it PostgreSQL protocol work. Other services
   * keep theirs; the platform's pool of this schema still serves its readiness check and the leader lock. Else (no
   * address known, e.g. some tests) the platform's pool.
   */
  private io.vertx.sqlclient.Pool spreadPool(ServiceContext context) {
    if (context.databaseTarget().isEmpty()) {
      return context.pool();
    }
    var db = context.config().database();
    int loops = Math.max(2, context.config().server().eventLoops());
    spreadPool = io.vertx.pgclient.PgBuilder.pool()
        .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(db.poolSize()).setEventLoopSize(loops)
            .setName("pg-" + schema() + "-loops").setConnectionTimeout((int) db.connectTimeout().toMillis())
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
        .with(new io.vertx.core.net.NetClientOptions().setConnectTimeout((int) db.connectTimeout().toMillis()))
        .connectingTo(context.databaseTarget().get().connectOptions(schema()))
        .using(context.vertx())
        .build();
    return spreadPool;
  }

  /** Follows the pods of {@code driver}'s cluster (Kubernetes) with an informer into the sessions' state. */
  private void watchPods(String clusterId, SessionDriver driver) {
    if (driver instanceof KubernetesDriver k) {
      k.watch((id, observation) -> {
        SessionService s = watched;
        if (s != null) {
          s.observed(clusterId, id, observation).onFailure(e -> LOG.warn("session {}: its pod's change on {} was "
              + "not applied ({}); the reconciler will", id, clusterId, e.getMessage()));
        }
      });
    }
  }

  private RegistryClusters registryClusters(ServiceContext context, RegistrySettings rs, ServiceTokens tokens,
      ClusterDirectory directory) {
    CredentialsResolver credentials;
    if (rs.credentialsDirectory().isPresent()) {
      credentials = CredentialsResolver.mounted(context.vertx(), rs.credentialsDirectory().get());
    } else {
      // the broker's own cluster (in-cluster service account), where the credentials' Secrets lie
      credentials = CredentialsResolver.kubernetesSecrets(context.vertx(), new KubernetesClientBuilder()
          .withHttpClientFactory(new Vertx5HttpClientFactory(context.vertx())).build(),
          rs.credentialsNamespace().orElseThrow());
    }
    return new RegistryClusters(context.vertx(), web, rs.registry(), () -> tokens.token("registry:read"), directory,
        credentials, (cluster, token) -> {
          KubernetesDriver d = KubernetesDriver.connect(context.vertx(), cluster.kubernetes().orElseThrow(), token)
              .activityAgent(activityAgent);
          watchPods(cluster.id(), d);
          return d;
        }, rs.namespace(), rs.refresh());
  }

  /**
   * The routes of reaching sessions, mounted before {@link SessionsEndpoint}'s (whose {@code /v1/sessions/:id} would
   * take {@code /v1/sessions/events}): the event stream, the proxy with launch links and forward-auth, sharing and
   * extending.
   */
  private Future<Void> mountAccess(Router router, ServiceContext context, eu.panosc.platform.auth.BearerAuth auth,
      eu.panosc.broker.store.BrokerStore store, eu.panosc.broker.events.SessionEvents events,
      eu.panosc.broker.events.SessionEvents localChanges, eu.panosc.broker.events.SessionViews views,
      SessionService sessions, AccessCheck pdp, ClusterDirectory directory) {
    vertx = context.vertx();
    var accessStore = new eu.panosc.broker.store.PgAccessStore(spreadPool == null ? context.pool() : spreadPool);
    var gate = new eu.panosc.broker.access.AccessGate(store, accessStore, pdp, context.clock());
    events.subscribe(e -> gate.forget(e.session().id()));
    localChanges.subscribe(e -> gate.forget(e.session().id()));
    activity = new eu.panosc.broker.access.ActivityRecorder(store, context.clock());
    activityTimer = vertx.setPeriodic(ACTIVITY_FLUSH.toMillis(), t -> activity.flush());
    // kept-alive upstream connections, one client per event loop: a proxied exchange stays on its caller's thread
    var loopVertx = vertx;
    proxyClient = new eu.panosc.broker.proxy.EventLoopClients(() -> loopVertx.createHttpClient(
        new io.vertx.core.http.HttpClientOptions().setConnectTimeout(3000).setKeepAlive(true).setIdleTimeout(60),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64)));
    byte[] candidate = new byte[32];
    new java.security.SecureRandom().nextBytes(candidate);
    return accessStore.cookieKey(candidate).map(key -> {
      var user = auth.requireScopes();
      new eu.panosc.broker.events.SessionEventsEndpoint(events, views, eu.panosc.broker.api.SessionJson::view,
          java.time.Duration.ofSeconds(15), context.clock()).mount(router, user, eu.panosc.broker.api.Callers.ADMIN_SCOPE);
      // through the live directory: configured clusters and those read from the registry alike
      new eu.panosc.broker.proxy.SessionProxy(gate, s -> s.cluster().flatMap(directory::entry)
          .map(e -> e.driver().upstream(s.id())).orElseGet(() -> Future.succeededFuture(Optional.empty())),
          activity, new eu.panosc.broker.proxy.LaunchCookies(key, context.clock()), proxyClient, context.publicRoot())
          .mount(router, user);
      new eu.panosc.broker.share.SharesEndpoint(new eu.panosc.broker.access.Sharing(store, accessStore, pdp, gate,
          context.clock()), new eu.panosc.broker.access.Lifetimes(sessions, store, context.clock())).mount(router, user);
      return null;
    });
  }

  /** The registry's cluster feed stops before the HTTP server (the clusters stay until {@link #stop()}). */
  @Override
  public Future<Void> stopFeeds() {
    if (registryClusters != null) {
      registryClusters.stopFollowing();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (feed != null) {
      feed.close();
    }
    if (activityTimer >= 0) {
      vertx.cancelTimer(activityTimer);
    }
    Future<?> flushed = activity == null ? Future.succeededFuture() : activity.flush();
    Future<Void> r = flushed.otherwiseEmpty().compose(f -> reconciler == null ? Future.succeededFuture()
        : reconciler.stop().otherwiseEmpty());
    Future<Void> rc = r.compose(x -> registryClusters == null ? Future.succeededFuture()
        : registryClusters.close().otherwiseEmpty());
    return rc.compose(x -> {
      List<Future<Void>> all = new ArrayList<>();
      drivers.forEach(d -> all.add(d.close()));
      return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
    }).onComplete(x -> {
      if (leadership != null) {
        leadership.close();
      }
      if (web != null) {
        web.close();
      }
      if (proxyClient != null) {
        proxyClient.close();
      }
    }).eventually(() -> spreadPool == null ? Future.<Void>succeededFuture() : spreadPool.close());
  }
}
