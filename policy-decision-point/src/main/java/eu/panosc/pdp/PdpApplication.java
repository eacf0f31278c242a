package eu.panosc.pdp;

import eu.panosc.pdp.admin.AdminEndpoint;
import eu.panosc.pdp.admin.IngestEndpoint;
import eu.panosc.pdp.authzen.AuthzenDecisions;
import eu.panosc.pdp.authzen.AuthzenEndpoint;
import eu.panosc.pdp.authzen.AuthzenService;
import eu.panosc.pdp.authzen.PageTokens;
import eu.panosc.pdp.authzen.PgAuthzenKey;
import eu.panosc.pdp.engine.DecisionEngine;
import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.PolicyFunctions;
import eu.panosc.pdp.filter.DatasetFilters;
import eu.panosc.pdp.authzen.FilterEndpoint;
import eu.panosc.pdp.log.DecisionLog;
import eu.panosc.pdp.policy.PgPolicyStore;
import eu.panosc.pdp.policy.PolicyCompiler;
import eu.panosc.pdp.policy.PolicyException;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.authzen.ConsistencyGate;
import eu.panosc.pdp.store.CacheFollower;
import eu.panosc.pdp.store.CachingPdpStore;
import eu.panosc.pdp.store.ChangeListener;
import eu.panosc.pdp.store.ChangeLog;
import eu.panosc.pdp.store.PgPdpStore;
import eu.panosc.pdp.store.RelationCache;
import eu.panosc.pdp.subject.AaiClient;
import eu.panosc.pdp.subject.AaiSettings;
import eu.panosc.pdp.subject.PairwiseSubjects;
import eu.panosc.pdp.subject.SubjectResolver;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.service.ServiceContext;
import eu.panosc.platform.service.ServiceModule;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root of the policy-decision-point, mounted at {@code /pdp}: proposal- and
 * embargo-based dataset access decisions over AuthZEN 1.0. Builds the resolver chain (relation cache in
 * front of PostgreSQL), the policy registry and the engine, then lists the endpoints.
 */
public final class PdpApplication implements ServiceModule {
  private static final Logger LOG = LoggerFactory.getLogger(PdpApplication.class);
  private static final java.time.Duration LISTEN_RETRY = java.time.Duration.ofSeconds(1);
  private volatile DecisionLog decisionLog;
  /** The decision-log purge and the change-log prune run on one replica (eu.panosc.platform.leader). */
  private volatile eu.panosc.platform.leader.Leadership leadership;
  private volatile CacheFollower follower;
  private volatile Runnable stopPolicyPoll = () -> { };
  private volatile io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metadata;
  private volatile eu.panosc.pdp.mesh.RegistryRoutes meshRoutes;
  private volatile eu.panosc.pdp.mesh.grpc.CheckServer checkServer;
  private volatile eu.panosc.pdp.mesh.xds.AdsControlPlane xds;

  @Override
  public String name() {
    return "pdp";
  }

  @Override
  public String title() {
    return "proposal- and embargo-based dataset access decisions (AuthZEN 1.0)";
  }

  /** Readiness is down while the relation cache cannot follow the writes (see {@link CacheFollower}). */
  @Override
  public List<eu.panosc.platform.health.ReadinessCheck> readinessChecks() {
    return List.of(new eu.panosc.pdp.store.CacheReadiness(() -> follower));
  }

  @Override
  public void checkConfig(eu.panosc.platform.config.ConfigNode section, eu.panosc.platform.config.PanoscConfig config,
      java.net.URI publicRoot) {
    PdpSettings.from(section, config.auth().issuerFor(publicRoot), publicRoot, config.demo());
  }

  @Override
  public Future<Void> mount(Router router, ServiceContext context) {
    PdpSettings settings = PdpSettings.from(context.section(), context.config().auth().issuerFor(context.publicRoot()),
        context.publicRoot(), context.demo());
    RelationCache cache = new RelationCache();
    PgPdpStore pg = new PgPdpStore(context.pool());
    CacheFollower follower = new CacheFollower(context.vertx(), cache, pg, new ChangeLog(context.pool()),
        context.meters());
    this.follower = follower;
    CachingPdpStore store = new CachingPdpStore(pg, follower);
    EntitlementMapper entitlements = new EntitlementMapper(settings.entitlementPattern(),
        settings.trustedEntitlementAuthorities());
    PolicyRegistry policies = new PolicyRegistry(new PolicyCompiler(new PolicyFunctions(cache, entitlements)),
        new PgPolicyStore(context.pool()), context.vertx());
    DecisionEngine engine = new DecisionEngine(cache, policies, context.clock());
    BearerAuth auth = context.bearerAuth();

    DatasetFilters filters = new DatasetFilters(engine, cache, policies, entitlements, context.clock());
    DecisionLog log = new DecisionLog(context, settings.decisionLog());
    decisionLog = log;
    var leaders = context.leadership(name());
    leadership = leaders;
    log.purgeUnder(leaders.singleton("decision-log-purge"));
    ConsistencyGate consistency = new ConsistencyGate(follower, settings.freshness().consistencyWait(),
        context.meters());
    PageTokens pageTokens = new PageTokens(null);
    AuthzenDecisions decisions = new AuthzenDecisions(new AuthzenService(engine, cache, policies, filters,
        context.clock(), pageTokens), new PairwiseSubjects(subjectResolver(context, settings.aai())), log.recorder());
    AuthzenEndpoint authzen = new AuthzenEndpoint(decisions, context.baseUrl(), consistency);
    authzen.mount(router, auth);
    metadata = authzen.metadataHandler();
    new FilterEndpoint(filters).mount(router, auth);
    Future<Void> grpcCheck = mountExtAuthz(router, context, settings, decisions);
    log.mount(router, auth, AdminEndpoint.ADMIN_SCOPE);
    new IngestEndpoint(store).mount(router, auth);
    new AdminEndpoint(store, cache, policies).mount(router, auth);

    ChangeListener listener = new ChangeListener(context.vertx(), context.pool(), follower::announced,
        () -> follower.catchUp("reconnect"), LISTEN_RETRY);
    Future<byte[]> pageKey = new PgAuthzenKey(context.pool()).load().onSuccess(pageTokens::useKey);
    return follower.start(listener, settings.freshness().poll(), settings.freshness().retention(),
            leaders.singleton("change-log-prune"))
        .compose(v -> context.demo() ? store.apply(DemoSeed.changes()).<Void>mapEmpty() : Future.<Void>succeededFuture())
        .compose(v -> policies.start())
        .onSuccess(v -> pollPolicies(context, policies, settings.freshness().poll()))
        .compose(v -> settings.policyDir().map(dir -> loadPolicyDir(context, policies, dir))
            .orElse(Future.succeededFuture()))
        .compose(v -> log.start()).compose(v -> pageKey.mapEmpty()).compose(v -> grpcCheck);
  }

  /** The AuthZEN metadata, also at {@code /.well-known/authzen-configuration/pdp} (RFC 8615 path-inserted). */
  @Override
  public java.util.Map<String, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext>> wellKnown() {
    var m = metadata;
    return m == null ? java.util.Map.of() : java.util.Map.of("authzen-configuration", m);
  }

  /**
   * The forward-auth for gateways (issue 15): route rules from the registry (read with the PDP's aai client and
   * scope {@code registry:read}; without credentials the routes stay unknown and every request is denied), tokens
   * verified against the platform issuer's JWKS for each resource server's audience.
   */
  private Future<Void> mountExtAuthz(Router router, ServiceContext context, PdpSettings settings,
      AuthzenDecisions decisions) {
    eu.panosc.pdp.mesh.RouteSource routes;
    if (settings.aai().enabled()) {
      AaiClient tokens = new AaiClient(WebClient.create(context.vertx()), settings.aai(), context.clock(),
          "registry:read");
      eu.panosc.pdp.mesh.RegistryRoutes registry = new eu.panosc.pdp.mesh.RegistryRoutes(context.vertx(),
          settings.meshRegistry(), tokens::accessToken);
      meshRoutes = registry;
      registry.start();
      routes = registry;
    } else {
      LOG.warn("forward-auth (/pdp/v1/ext-authz) denies every request: services.pdp.aai.clientId and clientSecret"
          + " are not set, so the registry's route rules cannot be read");
      routes = java.util.Optional::empty;
    }
    var base = new eu.panosc.platform.auth.BearerAuthConfig(context.config().auth().issuerFor(context.publicRoot())
        .toString(), java.util.Set.of(context.baseUrl().toString()), context.config().auth().jwksFor(context.publicRoot()))
        .withClockSkew(context.config().auth().clockSkew());
    var extAuthz = new eu.panosc.pdp.mesh.ExtAuthzService(routes,
        new eu.panosc.pdp.mesh.TokenChecks(context.vertx(), base, context.clock()), decisions);
    new eu.panosc.pdp.mesh.ExtAuthzEndpoint(extAuthz).mount(router);
    if (!settings.meshGrpc().enabled()) {
      return Future.succeededFuture();
    }
    // Envoy's gRPC ext_authz Check on its own port, deciding through the same ExtAuthzService; the xDS control
    // plane's ADS beside it when enabled (snapshots from the same route source, so from the registry's change feed)
    List<io.grpc.BindableService> others = new ArrayList<>();
    if (settings.meshXds().enabled()) {
      var grpc = settings.meshGrpc();
      var plane = new eu.panosc.pdp.mesh.xds.AdsControlPlane(context.vertx(), routes, settings.meshXds().checkHost(),
          () -> checkServer == null ? grpc.port() : checkServer.port(), settings.meshXds().listenerPort(),
          java.util.Optional.of(new eu.panosc.pdp.mesh.xds.XdsResources.TokenIssuer(base.issuer(),
              context.config().auth().jwksFor(context.publicRoot()))));
      xds = plane;
      others.add(plane.ads());
    }
    return eu.panosc.pdp.mesh.grpc.CheckServer.start(context.vertx(), settings.meshGrpc(), extAuthz,
        context.config().server().eventLoops(), others).onSuccess(s -> {
          checkServer = s;
          var plane = xds;
          if (plane != null) {
            plane.start(java.time.Duration.ofMillis(500));
          }
        }).mapEmpty();
  }

  /** Every {@code poll}, activates policy versions another replica stored (one check at a time). */
  private void pollPolicies(ServiceContext context, PolicyRegistry policies, java.time.Duration poll) {
    java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
    long timer = context.vertx().setPeriodic(poll.toMillis(), t -> {
      if (busy.compareAndSet(false, true)) {
        policies.refresh().onComplete(ar -> {
          busy.set(false);
          if (ar.failed()) {
            LOG.debug("checking for new policy versions failed: {}", ar.cause().toString());
          }
        });
      }
    });
    stopPolicyPoll = () -> context.vertx().cancelTimer(timer);
  }

  /** Resolution of pairwise subject ids through the aai-broker; without credentials such subjects are denied. */
  private static SubjectResolver subjectResolver(ServiceContext context, AaiSettings aai) {
    if (!aai.enabled()) {
      LOG.warn("pairwise subject ids cannot be resolved: services.pdp.aai.clientId and clientSecret are not set;"
          + " requests whose subject has properties.facility are denied");
      return new SubjectResolver(null, aai, context.clock(), context.meters());
    }
    LOG.info("pairwise subject ids are resolved at {} as client {}", aai.resolveEndpoint(), aai.clientId().orElseThrow());
    AaiClient client = new AaiClient(WebClient.create(context.vertx()), aai, context.clock());
    return new SubjectResolver(client, aai, context.clock(), context.meters());
  }

  /**
   * Stops polling the policy directory and following the registry's route rules before the HTTP server stops (the
   * rules read so far keep answering the requests still in flight).
   */
  @Override
  public Future<Void> stopFeeds() {
    stopPolicyPoll.run();
    var mesh = meshRoutes;
    if (mesh != null) {
      mesh.close();
    }
    return Future.succeededFuture();
  }

  /**
   * Stops following the change log (and what {@link #stopFeeds()} stops, if it was not called), then writes the
   * decisions still queued (the server no longer takes requests, the pool is still open).
   */
  @Override
  public Future<Void> stop() {
    stopFeeds();
    // the gRPC Check server and its xDS service stop with the servers, after the drain
    var plane = xds;
    if (plane != null) {
      plane.close();
    }
    var grpc = checkServer;
    if (grpc != null) {
      grpc.close();
    }
    CacheFollower f = follower;
    DecisionLog l = decisionLog;
    var leaders = leadership;
    return (f == null ? Future.<Void>succeededFuture() : f.stop())
        .transform(ar -> l == null ? Future.<Void>succeededFuture() : l.close())
        .transform(ar -> leaders == null ? Future.<Void>succeededFuture() : leaders.close());
  }

  /** Submits each policy file whose text differs from the active version; a refused file is logged. */
  private static Future<Void> loadPolicyDir(ServiceContext context, PolicyRegistry policies, Path dir) {
    return context.vertx().executeBlocking(() -> {
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
      }
      List<String[]> out = new ArrayList<>();
      for (Path p : files) {
        out.add(new String[] {p.toString(), Files.readString(p, StandardCharsets.UTF_8)});
      }
      return out;
    }).compose(files -> {
      Future<Void> chain = Future.succeededFuture();
      for (String[] f : files) {
        chain = chain.compose(v -> policies.check(f[0], f[1]).compose(checked -> {
          var active = policies.forFacility(checked.facility());
          if (active != null && active.facility().equals(checked.facility()) && active.source().equals(f[1])) {
            return Future.<Void>succeededFuture();
          }
          return policies.submit(f[0], f[1]).<Void>mapEmpty();
        }).recover(e -> {
          if (e instanceof PolicyException) {
            LOG.error("policy refused, the previous version stays active: {}", e.getMessage());
            return Future.succeededFuture();
          }
          return Future.failedFuture(e);
        }));
      }
      return chain;
    }).recover(e -> {
      if (e instanceof IOException io) {
        LOG.error("policy directory {} could not be read: {}", dir, io.getMessage());
        return Future.succeededFuture();
      }
      return Future.failedFuture(e);
    });
  }
}
