package eu.panosc.benchmarks.mesh;

import eu.panosc.pdp.authzen.AuthzenDecisions;
import eu.panosc.pdp.authzen.AuthzenEndpoint;
import eu.panosc.pdp.authzen.AuthzenService;
import eu.panosc.pdp.authzen.ConsistencyGate;
import eu.panosc.pdp.authzen.PageTokens;
import eu.panosc.pdp.engine.DecisionEngine;
import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.PolicyFunctions;
import eu.panosc.pdp.filter.DatasetFilters;
import eu.panosc.pdp.log.DecisionRecorder;
import eu.panosc.pdp.mesh.ExtAuthzEndpoint;
import eu.panosc.pdp.mesh.ExtAuthzService;
import eu.panosc.pdp.mesh.GrpcCheckSettings;
import eu.panosc.pdp.mesh.MeshService;
import eu.panosc.pdp.mesh.RouteSource;
import eu.panosc.pdp.mesh.TokenChecks;
import eu.panosc.pdp.mesh.grpc.CheckServer;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.policy.InMemoryPolicyStore;
import eu.panosc.pdp.policy.PolicyCompiler;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.store.AppliedChanges;
import eu.panosc.pdp.store.RelationCache;
import eu.panosc.pdp.store.Snapshot;
import eu.panosc.pdp.subject.AaiSettings;
import eu.panosc.pdp.subject.PairwiseSubjects;
import eu.panosc.pdp.subject.SubjectResolver;
import eu.panosc.platform.auth.BearerAuth;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.mesh.RouteRule;
import eu.panosc.platform.testing.LocalIssuer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.io.BufferedWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The PDP's forward-auth alone, for {@code benchmarks/mesh-check-benchmark.sh}: one {@link ExtAuthzService} over a
 * generated world (facility {@code bench}, 200 proposals, 2 000 members, 10 000 embargoed datasets, the built-in
 * policy), served both as Envoy's gRPC {@code Check} ({@link CheckServer}) and as the HTTP forward-auth
 * ({@link ExtAuthzEndpoint} under {@code /pdp}). Tokens are real ES256 RFC 9068 tokens of a local issuer (the
 * platform's test issuer, its JWKS over HTTP), verified by the PDP's {@link TokenChecks} (signatures remembered, claims
 * checked per request; every token's signature is verified once before the run, as after its first request). The
 * decision log is off (it needs PostgreSQL; its cost is measured by pdp-benchmark.sh).
 *
 * <p>Also serves the AuthZEN Access Evaluation API ({@link AuthzenEndpoint} under {@code /pdp}, the same decisions;
 * callers need a token for {@value #PDP_AUDIENCE} with scope {@code pdp:evaluate}), the comparison issue 15 names.
 *
 * <p>Writes REQUESTS-FILE: one line per request, {@code token TAB path TAB permit|deny} (3 in 4 permitted: the user is
 * a member of the dataset's proposal); REQUESTS-FILE{@code .authzen.ndjson}: the same requests as AuthZEN evaluation
 * bodies (user, {@code read}, dataset), one per line; REQUESTS-FILE{@code .caller}: the caller's token for those;
 * then prints {@code READY}.
 *
 * <p>USERS (default 200) users send requests, each with one token: the PDP's TokenVerifier remembers a verified
 * signature for 60 s, so every token is verified again each minute (ES256, about a millisecond of CPU on a busy
 * machine); with 2 000 users that re-verification dominates a run on a busy machine.
 *
 * <pre>java -cp benchmarks.jar eu.panosc.benchmarks.mesh.ExtAuthzBenchServer GRPC-PORT HTTP-PORT EVENT-LOOPS REQUESTS-FILE [REQUESTS [USERS]]</pre>
 */
public final class ExtAuthzBenchServer {
  static final String AUDIENCE = "https://scicat.bench.example";
  static final String PDP_AUDIENCE = "https://pdp.bench.example";
  static final int PROPOSALS = 200;
  static final int MEMBERS = 2_000;
  static final int DATASETS = 10_000;

  private ExtAuthzBenchServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      throw new IllegalArgumentException(
          "usage: ExtAuthzBenchServer GRPC-PORT HTTP-PORT EVENT-LOOPS REQUESTS-FILE [REQUESTS]");
    }
    int grpcPort = Integer.parseInt(args[0]);
    int httpPort = Integer.parseInt(args[1]);
    int loops = Integer.parseInt(args[2]);
    Path requestsFile = Path.of(args[3]);
    int requests = args.length > 4 ? Integer.parseInt(args[4]) : 20_000;
    int users = args.length > 5 ? Integer.parseInt(args[5]) : 200;

    Clock clock = Clock.systemUTC();
    RelationCache cache = new RelationCache();
    cache.load(world());
    EntitlementMapper entitlements = new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of());
    PolicyRegistry policies = new PolicyRegistry(new PolicyCompiler(new PolicyFunctions(cache, entitlements)),
        new InMemoryPolicyStore());
    policies.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    DecisionEngine engine = new DecisionEngine(cache, policies, clock);
    AuthzenService authzen = new AuthzenService(engine, cache, policies,
        new DatasetFilters(engine, cache, policies, entitlements, clock), clock, new PageTokens(null));
    AaiSettings aai = AaiSettings.from(ConfigNode.empty("aai"), URI.create("http://127.0.0.1/aai"),
        URI.create("http://127.0.0.1"), false);
    AuthzenDecisions decisions = new AuthzenDecisions(authzen,
        new PairwiseSubjects(new SubjectResolver(null, aai, clock, new SimpleMeterRegistry())),
        DecisionRecorder.disabled(clock));

    LocalIssuer issuer = LocalIssuer.start();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    TokenChecks tokens = new TokenChecks(vertx, new BearerAuthConfig(issuer.issuer(), Set.of(AUDIENCE),
        URI.create(issuer.issuer() + "/jwks")), clock);
    MeshService scicat = new MeshService(AUDIENCE, "bench", "scicat.bench.example", List.of(
        RouteRule.parse("/r/0", List.of("GET", "HEAD"), "/api/v3/datasets/{pid+}", "read", "dataset", "{pid}",
            false),
        RouteRule.parse("/r/1", List.of("GET"), "/api/v3/health", null, null, null, true)));
    ExtAuthzService service = new ExtAuthzService(RouteSource.of(List.of(scicat)), tokens, decisions);

    CheckServer grpc = CheckServer.start(vertx, new GrpcCheckSettings(true, "127.0.0.1", grpcPort, Optional.empty(),
        Optional.empty(), GrpcCheckSettings.DEFAULT_MAX_REQUEST_BYTES), service, loops).await(60, TimeUnit.SECONDS);
    ExtAuthzEndpoint endpoint = new ExtAuthzEndpoint(service);
    AuthzenEndpoint evaluation = new AuthzenEndpoint(decisions, URI.create("http://127.0.0.1:" + httpPort + "/pdp"),
        new ConsistencyGate(NO_CHANGE_LOG, Duration.ofSeconds(1), new SimpleMeterRegistry()));
    BearerAuthConfig callers = new BearerAuthConfig(issuer.issuer(), Set.of(PDP_AUDIENCE),
        URI.create(issuer.issuer() + "/jwks"));
    vertx.deployVerticle(() -> new AbstractVerticle() {
      @Override
      public void start(Promise<Void> started) {
        Router root = Router.router(vertx);
        Router pdp = Router.router(vertx);
        endpoint.mount(pdp);
        evaluation.mount(pdp, BearerAuth.create(vertx, callers, clock));
        root.route("/pdp/*").subRouter(pdp);
        vertx.createHttpServer().requestHandler(root).listen(httpPort, "127.0.0.1").<Void>mapEmpty()
            .onComplete(started);
      }
    }, new DeploymentOptions().setInstances(loops)).await(60, TimeUnit.SECONDS);

    String[] minted = writeRequests(issuer, requestsFile, requests, users);
    Files.writeString(Path.of(requestsFile + ".caller"),
        issuer.token(PDP_AUDIENCE, "scicat-bench", Map.of("exp", new Date(System.currentTimeMillis()
            + TimeUnit.HOURS.toMillis(2))), AuthzenEndpoint.EVALUATE_SCOPE));
    // steady state: each token's signature verified once (as after its first request), then remembered by the
    // PDP's TokenVerifier, with its principal; exp and nbf are still checked on every request
    for (String t : minted) {
      tokens.apply(t, AUDIENCE).await(60, TimeUnit.SECONDS);
    }
    System.out.println("READY grpc=" + grpc.port() + " http=" + httpPort + " eventLoops=" + loops);
    System.out.flush();
    Thread.currentThread().join();
  }

  /** No change log: the world is loaded once; a request naming a consistency token is refused after 1 s. */
  private static final AppliedChanges NO_CHANGE_LOG = new AppliedChanges() {
    @Override
    public long applied() {
      return 0;
    }

    @Override
    public Future<Boolean> await(long seq, Duration timeout) {
      return Future.succeededFuture(false);
    }
  };

  /** 200 proposals of facility {@code bench} (50-year embargo), 10 members and 50 datasets each. */
  static Snapshot world() {
    List<Proposal> proposals = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    List<Dataset> datasets = new ArrayList<>();
    for (int p = 0; p < PROPOSALS; p++) {
      proposals.add(new Proposal(proposal(p), "bench", "Proposal " + p, Instant.parse("2024-01-01T08:00:00Z"),
          Instant.parse("2024-01-05T08:00:00Z"), null));
    }
    for (int m = 0; m < MEMBERS; m++) {
      members.add(new Member(proposal(m % PROPOSALS), user(m), null, "co-proposer"));
    }
    for (int d = 0; d < DATASETS; d++) {
      datasets.add(new Dataset(dataset(d), proposal(d % PROPOSALS), "bench", "bench:i1",
          Instant.parse("2024-01-03T08:00:00Z"), null, false, "site", "/data/" + d, 1));
    }
    return new Snapshot(List.of(new Facility("bench", "Benchmark facility", 50)), proposals, members, List.of(),
        datasets);
  }

  static String proposal(int p) {
    return String.format("bench:P%05d", p);
  }

  static String user(int m) {
    return String.format("user%05d@bench", m);
  }

  static String dataset(int d) {
    return String.format("10.5555/BENCH-%05d", d);
  }

  /** One token per user (valid 2 h); each request a user and a dataset of their proposal (3 in 4) or another's. */
  static String[] writeRequests(LocalIssuer issuer, Path file, int n, int users) throws Exception {
    String[] tokens = new String[Math.min(users, MEMBERS)];
    Date exp = new Date(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(2));
    for (int m = 0; m < tokens.length; m++) {
      tokens[m] = issuer.token(AUDIENCE, "scicat-bench", Map.of("sub", "pairwise-" + m, "voperson_id", user(m),
          "exp", exp), "openid");
    }
    Random random = new Random(15);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        BufferedWriter authzen = Files.newBufferedWriter(Path.of(file + ".authzen.ndjson"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        int m = random.nextInt(tokens.length);
        int p = m % PROPOSALS;
        boolean permit = random.nextInt(4) != 0;
        int q = permit ? p : (p + 1 + random.nextInt(PROPOSALS - 1)) % PROPOSALS;
        int d = q + PROPOSALS * random.nextInt(DATASETS / PROPOSALS);
        w.write(tokens[m] + "\t/api/v3/datasets/" + dataset(d) + "\t" + (permit ? "permit" : "deny") + "\n");
        authzen.write("{\"subject\":{\"type\":\"user\",\"id\":\"" + user(m) + "\"},\"action\":{\"name\":\"read\"},"
            + "\"resource\":{\"type\":\"dataset\",\"id\":\"" + dataset(d) + "\"}}\n");
      }
    }
    return tokens;
  }
}
