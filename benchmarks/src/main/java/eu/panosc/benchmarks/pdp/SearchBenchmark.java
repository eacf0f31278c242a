package eu.panosc.benchmarks.pdp;

import eu.panosc.pdp.authzen.AuthzenRequestParser;
import eu.panosc.pdp.authzen.AuthzenService;
import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.DecisionEngine;
import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.PolicyFunctions;
import eu.panosc.pdp.filter.DatasetFilters;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import eu.panosc.pdp.policy.InMemoryPolicyStore;
import eu.panosc.pdp.policy.PolicyCompiler;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.store.RelationCache;
import eu.panosc.pdp.store.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * First page of "datasets alice may read" (AuthZEN resource search, limit 100) over 10 million datasets,
 * with alice a member of 500 proposals (issue goal: p99 ≤ 20 ms). The world: 3 facilities, 200 000
 * proposals of 50 datasets each, PIDs in random order relative to proposals. Two data shapes:
 * <ul>
 *   <li>{@code mostly-released}: proposals ended uniformly over the last 10 years (3-year embargo, so
 *       about 70 % of datasets are released), 2 % public;</li>
 *   <li>{@code mostly-embargoed}: every proposal ended within the last 3 years (nothing released by
 *       embargo), 0.1 % public: the facility-wide scan finds little, so alice's own proposals (from the
 *       proposal index) fill the page and the scan budget bounds the cost.</li>
 * </ul>
 * Setup reports, once, how many results the first page holds and whether it has a next token. Needs a
 * large heap: {@code -jvmArgsAppend -Xmx12g}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms12g", "-Xmx12g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class SearchBenchmark {
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @Param({"mostly-released", "mostly-embargoed"})
  public String shape;

  @Param({"10000000"})
  public int datasets;

  private AuthzenService service;
  private AuthzenRequestParser.Search search;

  @Setup
  public void setUp() {
    boolean released = shape.equals("mostly-released");
    Random r = new Random(2026);
    int perProposal = 50;
    int proposalCount = datasets / perProposal;
    List<Facility> facilities = List.of(new Facility("esrf", "ESRF", 3), new Facility("ill", "ILL", 3),
        new Facility("xfel", "XFEL", 3));
    List<Proposal> proposals = new ArrayList<>(proposalCount);
    long span = Duration.ofDays(released ? 3650 : 3 * 365 - 2).toSeconds();
    for (int i = 0; i < proposalCount; i++) {
      String f = facilities.get(i % 3).id();
      Instant end = NOW.minusSeconds((long) (r.nextDouble() * span));
      proposals.add(new Proposal(f + ":P" + i, f, null, null, end, null));
    }
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      members.add(new Member(proposals.get(r.nextInt(proposalCount)).id(), "alice", null, "co-proposer"));
    }
    List<Dataset> ds = new ArrayList<>(datasets);
    Instant created = NOW.minus(Duration.ofDays(4000));
    double publicShare = released ? 0.02 : 0.001;
    for (int i = 0; i < datasets; i++) {
      // PIDs spread proposals over the whole PID range, as DOIs minted over years would
      Proposal p = proposals.get((int) ((i * 7_919L) % proposalCount));
      ds.add(new Dataset(String.format("10.5555/%08d", i), p.id(), p.facility(), null, created, null,
          r.nextDouble() < publicShare, null, null, 0));
    }
    RelationCache cache = new RelationCache();
    cache.load(new Snapshot(facilities, proposals, members, List.<StaffRole>of(), ds));
    EntitlementMapper entitlements = new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of());
    PolicyRegistry registry = new PolicyRegistry(new PolicyCompiler(new PolicyFunctions(cache, entitlements)),
        new InMemoryPolicyStore());
    registry.start().toCompletionStage().toCompletableFuture().join();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    DecisionEngine engine = new DecisionEngine(cache, registry, clock);
    service = new AuthzenService(engine, cache, registry, new DatasetFilters(engine, cache, registry, entitlements,
        clock), clock, new eu.panosc.pdp.authzen.PageTokens(new byte[32]));
    search = new AuthzenRequestParser.Search(new AccessRequest(new AccessRequest.Entity("user", "alice", Map.of()),
        "read", Map.of(), new AccessRequest.Entity("dataset", null, Map.of()), Map.of()), "", 100,
        eu.panosc.pdp.authzen.PageTokens.binding("resource", "benchmark", new io.vertx.core.json.JsonObject()));
    AuthzenService.Page<String> first = service.searchResources(search);
    System.out.printf("%n[SearchBenchmark] %s: %d datasets, first page holds %d results, next_token %s%n",
        shape, datasets, first.results().size(), first.nextToken().isEmpty() ? "empty" : "present");
    if (first.results().isEmpty()) {
      throw new IllegalStateException("the first page is empty");
    }
  }

  @Benchmark
  public AuthzenService.Page<String> firstPage() {
    return service.searchResources(search);
  }
}
