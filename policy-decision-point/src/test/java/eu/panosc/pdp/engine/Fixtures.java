package eu.panosc.pdp.engine;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deterministic world for engine tests: for each facility (esrf, ill) one proposal ending
 * 2025-01-01T00:00:00Z (release 2028-01-01T00:00:00Z), with a PI, a co-proposer and a local contact,
 * staff (scientist, data manager, admin) and three datasets: embargoed, released (override in the past)
 * and public.
 */
public final class Fixtures {
  public static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  public static final Instant RELEASE = Instant.parse("2028-01-01T00:00:00Z");

  private Fixtures() {}

  public static Snapshot snapshot() {
    List<Facility> facilities = new ArrayList<>();
    List<Proposal> proposals = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    List<StaffRole> staff = new ArrayList<>();
    List<Dataset> datasets = new ArrayList<>();
    for (String f : List.of("esrf", "ill")) {
      facilities.add(new Facility(f, f.toUpperCase(), 3));
      String p = f + ":P-1";
      proposals.add(new Proposal(p, f, "Proposal", Instant.parse("2024-12-20T00:00:00Z"),
          Instant.parse("2025-01-01T00:00:00Z"), null));
      members.add(new Member(p, "pi@" + f, null, "pi"));
      members.add(new Member(p, "co@" + f, null, "co-proposer"));
      members.add(new Member(p, "lc@" + f, null, "local-contact"));
      staff.add(new StaffRole("scientist@" + f, f, "staff-scientist"));
      staff.add(new StaffRole("manager@" + f, f, "data-manager"));
      staff.add(new StaffRole("admin@" + f, f, "admin"));
      datasets.add(new Dataset(f + "/embargoed", p, f, f + ":i1", Instant.parse("2024-12-21T00:00:00Z"), null,
          false, "site", "/path", 1));
      datasets.add(new Dataset(f + "/released", p, f, f + ":i1", Instant.parse("2024-12-21T00:00:00Z"),
          Instant.parse("2026-01-01T00:00:00Z"), false, "site", "/path", 1));
      datasets.add(new Dataset(f + "/public", p, f, f + ":i1", Instant.parse("2024-12-21T00:00:00Z"), null,
          true, "site", "/path", 1));
    }
    return new Snapshot(facilities, proposals, members, staff, datasets);
  }

  /** An engine over {@link #snapshot()} with the built-in default policy, at {@link #NOW}. */
  public static World world() {
    RelationCache cache = new RelationCache();
    cache.load(snapshot());
    PolicyRegistry registry = new PolicyRegistry(new PolicyCompiler(new PolicyFunctions(cache,
        new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of("eduteams.org")))),
        new InMemoryPolicyStore());
    registry.start().toCompletionStage().toCompletableFuture().join();
    return new World(cache, registry, new DecisionEngine(cache, registry, Clock.fixed(NOW, java.time.ZoneOffset.UTC)));
  }

  public record World(RelationCache cache, PolicyRegistry registry, DecisionEngine engine) {}

  public static AccessRequest request(String user, String action, String pid) {
    return new AccessRequest(new AccessRequest.Entity("user", user, Map.of()), action, Map.of(),
        new AccessRequest.Entity("dataset", pid, Map.of()), Map.of());
  }
}
