package eu.panosc.broker;

import eu.panosc.broker.api.SessionsEndpoint;
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
import eu.panosc.broker.store.PgBrokerStore;
import eu.panosc.broker.store.PgLeaderLock;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.PanoscConfig;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private WebClient web;
  // reaching sessions: proxy client, activity batching (see eu.panosc.broker.proxy, .access, .events)
  private io.vertx.core.http.HttpClient proxyClient;
  private eu.panosc.broker.access.ActivityRecorder activity;
  private long activityTimer = -1;
  private io.vertx.core.Vertx vertx;
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
    var events = new eu.panosc.broker.events.SessionEvents(1000);
    var store = new eu.panosc.broker.events.EventingBrokerStore(new PgBrokerStore(context.pool()), events);
    web = WebClient.create(context.vertx(), new WebClientOptions().setConnectTimeout(3000));
    AccessCheck access = settings.pdp().<AccessCheck>map(p -> {
      ServiceTokens tokens = new ServiceTokens(web, p.tokenEndpoint(), p.clientId(), p.clientSecret(), p.timeout(),
          context.clock());
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
              java.util.Optional.ofNullable(settings.ingresses().get(c.id())))
          : new LocalProcessDriver(context.vertx(), settings.localCommands().getOrDefault(c.id(), List.of()),
              context.config().dataDir().resolve("broker-sessions").resolve(c.id()));
      drivers.add(d);
      byCluster.put(c.id(), d);
    }
    SessionService sessions = new SessionService(store, Placer.standard(), settings.clusters(), byCluster, access,
        settings.datasets(), settings.rules(), context.clock());
    var auth = context.bearerAuth();
    Future<Void> routes = mountAccess(router, context, auth, store, events, sessions, access, byCluster)
        .onSuccess(x -> new SessionsEndpoint(sessions).mount(router, auth));
    reconciler = new Reconciler(context.vertx(), sessions, new PgLeaderLock(context.pool(), "broker.reconciler"),
        settings.reconcileInterval());
    Future<Void> catalogue = routes;
    for (var f : settings.flavours()) {
      catalogue = catalogue.compose(x -> store.putFlavour(f));
    }
    for (var i : settings.images()) {
      catalogue = catalogue.compose(x -> store.putImage(i));
    }
    return catalogue.onSuccess(x -> reconciler.start());
  }

  /**
   * The routes of reaching sessions, mounted before {@link SessionsEndpoint}'s (whose {@code /v1/sessions/:id} would
   * take {@code /v1/sessions/events}): the event stream, the proxy with launch links and forward-auth, sharing and
   * extending.
   */
  private Future<Void> mountAccess(Router router, ServiceContext context, eu.panosc.platform.auth.BearerAuth auth,
      eu.panosc.broker.store.BrokerStore store, eu.panosc.broker.events.SessionEvents events, SessionService sessions,
      AccessCheck pdp, Map<String, SessionDriver> byCluster) {
    vertx = context.vertx();
    var accessStore = new eu.panosc.broker.store.PgAccessStore(context.pool());
    var gate = new eu.panosc.broker.access.AccessGate(store, accessStore, pdp, context.clock());
    events.subscribe(e -> gate.forget(e.session().id()));
    activity = new eu.panosc.broker.access.ActivityRecorder(store, context.clock());
    activityTimer = vertx.setPeriodic(ACTIVITY_FLUSH.toMillis(), t -> activity.flush());
    proxyClient = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setConnectTimeout(3000)
        .setKeepAlive(true).setIdleTimeout(60), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    byte[] candidate = new byte[32];
    new java.security.SecureRandom().nextBytes(candidate);
    return accessStore.cookieKey(candidate).map(key -> {
      var user = auth.requireScopes();
      new eu.panosc.broker.events.SessionEventsEndpoint(events, store, eu.panosc.broker.api.SessionJson::session,
          java.time.Duration.ofSeconds(15), context.clock()).mount(router, user, eu.panosc.broker.api.Callers.ADMIN_SCOPE);
      new eu.panosc.broker.proxy.SessionProxy(gate, s -> s.cluster().isEmpty() || !byCluster.containsKey(s.cluster().get())
          ? Future.succeededFuture(java.util.Optional.empty()) : byCluster.get(s.cluster().get()).upstream(s.id()),
          activity, new eu.panosc.broker.proxy.LaunchCookies(key, context.clock()), proxyClient, context.publicRoot())
          .mount(router, user);
      new eu.panosc.broker.share.SharesEndpoint(new eu.panosc.broker.access.Sharing(store, accessStore, pdp, gate,
          context.clock()), new eu.panosc.broker.access.Lifetimes(sessions, store, context.clock())).mount(router, user);
      return null;
    });
  }

  @Override
  public Future<Void> stop() {
    if (activityTimer >= 0) {
      vertx.cancelTimer(activityTimer);
    }
    Future<?> flushed = activity == null ? Future.succeededFuture() : activity.flush();
    Future<Void> r = flushed.otherwiseEmpty().compose(f -> reconciler == null ? Future.succeededFuture()
        : reconciler.stop().otherwiseEmpty());
    return r.compose(x -> {
      List<Future<Void>> all = new ArrayList<>();
      drivers.forEach(d -> all.add(d.close()));
      return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
    }).onComplete(x -> {
      if (web != null) {
        web.close();
      }
      if (proxyClient != null) {
        proxyClient.close();
      }
    });
  }
}
