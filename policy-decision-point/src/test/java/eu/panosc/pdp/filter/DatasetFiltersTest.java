package eu.panosc.pdp.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.DecisionEngine;
import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.PolicyFunctions;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.policy.InMemoryPolicyStore;
import eu.panosc.pdp.policy.PolicyCompiler;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.store.RelationCache;
import eu.panosc.pdp.store.Relations;
import eu.panosc.pdp.store.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter must admit exactly the datasets the engine permits: checked dataset by dataset over a
 * random world, for every user, action and several decision times (including the release second), under
 * the default policy and a facility policy with a deny rule (non-monotone); and a filtered search must
 * page through exactly that set.
 */
class DatasetFiltersTest {
  static final String ILL_POLICY = """
      name: ill-data
      facility: ill
      actions: [read, download, analyse, annotate, publish]
      deny_reason: "Not for you."
      rules:
        - id: no-public-for-local-contacts
          effect: deny
          actions: [read]
          when: member(subject, resource) == "local-contact" && resource.public
        - id: open
          actions: [read, download]
          when: resource.public || (has(resource.releaseDate) && context.time >= resource.releaseDate)
        - id: members
          actions: [read, download, analyse]
          when: member(subject, resource) in ["pi", "co-proposer", "member"]
        - id: pi-annotates-unreleased
          actions: [annotate]
          when: member(subject, resource) == "pi" && context.time < resource.releaseDate
        - id: staff
          when: size(staff(subject, resource.facility)) > 0 && action.name != "publish"
      """;
  static final List<String> ACTIONS = List.of("read", "download", "analyse", "annotate", "publish", "delete");
  static final String TRUSTED = "#eduteams.org";

  private RelationCache cache;
  private PolicyRegistry registry;
  private DecisionEngine engine;
  private DatasetFilters filters;
  private Snapshot world;

  @BeforeEach
  void setUp() {
    world = RandomWorld.snapshot(42, 60, 1500);
    cache = new RelationCache();
    cache.load(world);
    EntitlementMapper entitlements = new EntitlementMapper(EntitlementMapper.DEFAULT_PATTERN, Set.of("eduteams.org"));
    registry = new PolicyRegistry(new PolicyCompiler(new PolicyFunctions(cache, entitlements)),
        new InMemoryPolicyStore());
    registry.start().toCompletionStage().toCompletableFuture().join();
    registry.submit("ill.yaml", ILL_POLICY).toCompletionStage().toCompletableFuture().join();
    Clock clock = Clock.fixed(RandomWorld.NOW, ZoneOffset.UTC);
    engine = new DecisionEngine(cache, registry, clock);
    filters = new DatasetFilters(engine, cache, registry, entitlements, clock);
  }

  private static List<AccessRequest.Entity> subjects() {
    List<AccessRequest.Entity> subjects = new ArrayList<>();
    RandomWorld.USERS.forEach(u -> subjects.add(new AccessRequest.Entity("user", u, Map.of())));
    subjects.add(new AccessRequest.Entity("user", "nobody", Map.of()));
    subjects.add(new AccessRequest.Entity("user", "u0", Map.of("entitlements", List.of(
        "urn:geant:eduteams.org:group:panosc:ill:P-3:role=pi" + TRUSTED,
        "urn:geant:eduteams.org:group:panosc:esrf:P-7" + TRUSTED,
        "urn:geant:eduteams.org:group:panosc:xfel:P-9:role=local-contact#untrusted.org"))));
    subjects.add(new AccessRequest.Entity("service", "scicat", Map.of()));
    return subjects;
  }

  @ParameterizedTest(name = "at NOW {0}s")
  @ValueSource(longs = {0, -1, 1, 86_400 * 365L * 3})
  void compileWhenAnySubjectActionTimeThenFilterEqualsDecisions(long offsetSeconds) {
    Instant time = RandomWorld.NOW.plusSeconds(offsetSeconds);
    int permits = 0;
    int checks = 0;
    for (AccessRequest.Entity subject : subjects()) {
      for (String action : ACTIONS) {
        Map<String, Object> context = offsetSeconds == 0 ? Map.of() : Map.of("time", time);
        DatasetFilters.DatasetFilter filter = filters.compile(subject, action, Map.of(), Map.of(), context);
        assertThat(filter.time()).isEqualTo(time);
        for (Dataset d : world.datasets()) {
          boolean decided = engine.decide(new AccessRequest(subject, action, Map.of(),
              new AccessRequest.Entity("dataset", d.pid(), Map.of()), context)).permit();
          assertThat(filter.expr().test(cache.factsOf(d)))
              .as("%s %s %s at %s with filter %s", subject, action, d, time, filter.expr().toJson())
              .isEqualTo(decided);
          permits += decided ? 1 : 0;
          checks++;
        }
      }
    }
    assertThat(permits).as("the world must exercise both outcomes").isBetween(checks / 20, checks - checks / 20);
  }

  /** Every page of a filtered search, concatenated, for a subject and action at {@code context}. */
  private List<String> allPages(AccessRequest.Entity subject, String action, Map<String, Object> context, int limit,
      int budget) {
    FilteredSearch search = new FilteredSearch(cache, Clock.fixed(RandomWorld.NOW, ZoneOffset.UTC));
    DatasetFilters.DatasetFilter filter = filters.compile(subject, action, Map.of(), Map.of(), context);
    List<String> got = new ArrayList<>();
    String after = "";
    int pages = 0;
    while (after != null) {
      FilteredSearch.Page page = search.page(filter, after, limit, budget, pid -> true);
      assertThat(page.pids().size()).isLessThanOrEqualTo(limit);
      if (page.resumeAfter() != null) {
        assertThat(page.resumeAfter()).as("every page moves forward").isGreaterThan(after);
      }
      got.addAll(page.pids());
      after = page.resumeAfter();
      assertThat(++pages).as("paging terminates").isLessThan(20_000);
    }
    return got;
  }

  private List<String> permittedPids(AccessRequest.Entity subject, String action, Map<String, Object> context) {
    return cache.facilityIds().isEmpty() ? List.of() : world.datasets().stream().map(Dataset::pid).sorted()
        .filter(pid -> cache.dataset(pid).isPresent())
        .filter(pid -> engine.decide(new AccessRequest(subject, action, Map.of(),
            new AccessRequest.Entity("dataset", pid, Map.of()), context)).permit())
        .toList();
  }

  @ParameterizedTest(name = "budget {0}, limit {1}, time {2}")
  @org.junit.jupiter.params.provider.CsvSource({"1, 1, 0", "13, 7, 0", "1000, 50, 0", "13, 7, -3600",
      "13, 7, 172800", "5000, 100, 94608000"})
  void pageWhenAnyBudgetLimitAndTimeThenExactlyThePermittedSetInOrder(int budget, int limit, long offsetSeconds) {
    Map<String, Object> context = offsetSeconds == 0 ? Map.of()
        : Map.of("time", RandomWorld.NOW.plusSeconds(offsetSeconds));
    for (AccessRequest.Entity subject : subjects()) {
      for (String action : List.of("read", "annotate", "delete")) {
        assertThat(allPages(subject, action, context, limit, budget)).as("%s %s", subject, action)
            .containsExactlyElementsOf(permittedPids(subject, action, context));
      }
    }
  }

  @Test
  void pageWhenFactsChangeThenIndexesFollow() {
    var subject = new AccessRequest.Entity("user", "nobody", Map.of());
    List<eu.panosc.pdp.model.Change> changes = new ArrayList<>();
    // a proposal ends earlier (its datasets become released), a dataset becomes public, another is deleted,
    // and a facility shortens its embargo to zero
    Proposal p = world.proposals().stream().filter(x -> cache.factsOf(world.datasets().stream()
        .filter(d -> d.proposal().equals(x.id()) && d.releaseOverride() == null).findFirst()
        .orElse(new Dataset("none", x.id(), x.facility(), null, RandomWorld.NOW, null, false, null, null, 0)))
        .releaseDate().isAfter(RandomWorld.NOW)).findFirst().orElseThrow();
    changes.add(new eu.panosc.pdp.model.Change.PutProposal(new Proposal(p.id(), p.facility(), p.title(), p.start(),
        RandomWorld.NOW.minus(Duration.ofDays(4000)), null)));
    Dataset embargoed = world.datasets().stream().filter(d -> !engine.decide(new AccessRequest(subject, "read",
        Map.of(), new AccessRequest.Entity("dataset", d.pid(), Map.of()), Map.of())).permit()).findFirst().orElseThrow();
    changes.add(new eu.panosc.pdp.model.Change.PutDataset(new Dataset(embargoed.pid(), embargoed.proposal(),
        embargoed.facility(), null, embargoed.created(), null, true, null, null, 0)));
    Dataset open = world.datasets().stream().filter(d -> d.isPublic()).findFirst().orElseThrow();
    changes.add(new eu.panosc.pdp.model.Change.DeleteDataset(open.pid()));
    changes.add(new eu.panosc.pdp.model.Change.PutFacility(new Facility("xfel", "XFEL", 0)));
    List<String> before = allPages(subject, "read", Map.of(), 10, 50);
    cache.applied(changes);
    List<String> after = allPages(subject, "read", Map.of(), 10, 50);
    assertThat(after).containsExactlyElementsOf(permittedPids(subject, "read", Map.of()))
        .contains(embargoed.pid()).doesNotContain(open.pid());
    assertThat(after).as("released by the changes").hasSizeGreaterThan(before.size());
  }

  @Test
  void pageWhenOnlyProposalGrantsThenNoScanAndFullPages() {
    // annotate under the default policy: only the PI's proposals, nothing facility-wide for a non-staff PI.
    String pi = world.members().stream().filter(m -> m.role().equals("pi")).map(m -> m.user())
        .filter(u -> world.staff().stream().noneMatch(s -> s.user().equals(u))).findFirst().orElseThrow();
    DatasetFilters.DatasetFilter filter = filters.compile(new AccessRequest.Entity("user", pi, Map.of()), "publish",
        Map.of(), Map.of(), Map.of());
    assertThat(filter.wide().entrySet()).filteredOn(e -> !e.getKey().equals("ill"))
        .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(Expr.FALSE));
    FilteredSearch.Page page = new FilteredSearch(cache, Clock.fixed(RandomWorld.NOW, ZoneOffset.UTC))
        .page(filter, "", 3, 200, pid -> true);
    assertThat(page.pids()).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "resource.instrument == 'ill:i'",
      "resource.id.startsWith('10.5555')",
      "has(resource.created)",
      "'public' in resource",
      "resource.releaseDate < timestamp('2026-11-26T12:00:00Z')"})
  void compileWhenPolicyReadsWhatAFilterCannotSayThenNotExportable(String condition) {
    registry.submit("ill.yaml", """
        name: ill-odd
        facility: ill
        actions: [read]
        rules:
          - id: odd
            actions: [read]
            when: "%s"
        """.formatted(condition.replace("\"", "\\\""))).toCompletionStage().toCompletableFuture().join();
    assertThatThrownBy(() -> filters.compile(new AccessRequest.Entity("user", "u1", Map.of()), "read", Map.of(),
        Map.of(), Map.of()))
        .isInstanceOf(DatasetFilters.NotExportable.class)
        .hasMessageContaining("ill-odd@v2")
        .satisfies(e -> assertThat(((DatasetFilters.NotExportable) e).facility()).isEqualTo("ill"));
    // Another action's rules do not matter.
    assertThat(filters.compile(new AccessRequest.Entity("user", "u1", Map.of()), "publish", Map.of(), Map.of(),
        Map.of()).policies()).containsEntry("ill", "ill-odd@v2");
  }

  @Test
  void conditionWhenEveryMaskThenTrueExactlyOnItsCells() {
    Instant t = RandomWorld.NOW;
    for (int mask = 0; mask < 16; mask++) {
      Expr e = DatasetFilters.condition(mask, t);
      for (int cell = 0; cell < 4; cell++) {
        boolean isPublic = (cell & 2) != 0;
        Instant release = (cell & 1) != 0 ? t : t.plusSeconds(1);
        Dataset d = new Dataset("x", "p", "f", null, t, release, isPublic, null, null, 0);
        assertThat(e.test(new Relations.DatasetFacts(d, null, null, release)))
            .as("mask %d cell %d: %s", mask, cell, e).isEqualTo((mask & (1 << cell)) != 0);
      }
    }
  }

  @Test
  void toSqlWhenColumnsAndDollarPlaceholdersThenParametersInOrder() {
    Expr e = Expr.and(List.of(Expr.In.of("facility", Set.of("ill", "esrf")),
        Expr.or(List.of(new Expr.IsPublic(), new Expr.Released(RandomWorld.NOW),
            Expr.In.of("proposal", Set.of("ill:P-1"))))));
    List<Object> params = new ArrayList<>();
    String sql = e.toSql(SqlColumns.of(Map.of("releaseDate", "d.embargo_end", "public", "d.is_public"), true), params);
    assertThat(sql).isEqualTo("(facility IN ($1, $2) AND (d.is_public IS TRUE OR (d.embargo_end IS NOT NULL AND "
        + "d.embargo_end <= $3) OR proposal IN ($4)))");
    assertThat(params).containsExactly("esrf", "ill", RandomWorld.NOW, "ill:P-1");
    assertThat(e.toJson().encode()).contains("\"op\":\"in\"", "\"field\":\"releaseDate\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"release_date; DROP TABLE dataset", "a b", "1col", "x.y.z", "\"quoted\"", ""})
  void sqlColumnsWhenNotAnIdentifierThenRefused(String column) {
    assertThatThrownBy(() -> SqlColumns.of(Map.of("releaseDate", column), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identifier");
  }

  @Test
  void sqlColumnsWhenUnknownKeyThenRefused() {
    assertThatThrownBy(() -> SqlColumns.of(Map.of("owner", "x"), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown column 'owner'");
  }

  @Test
  void compileWhenMembershipRemovedThenFilterNoLongerGrantsTheProposal() {
    var m = world.members().stream().filter(x -> x.proposal().startsWith("esrf")).findFirst().orElseThrow();
    var subject = new AccessRequest.Entity("user", m.user(), Map.of());
    assertThat(filters.compile(subject, "analyse", Map.of(), Map.of(), Map.of()).grants())
        .anySatisfy(g -> assertThat(g.proposals()).contains(m.proposal()));
    cache.applied(List.of(new eu.panosc.pdp.model.Change.DeleteMember(m.proposal(), m.user())));
    assertThat(filters.compile(subject, "analyse", Map.of(), Map.of(), Map.of()).grants())
        .allSatisfy(g -> assertThat(g.proposals()).doesNotContain(m.proposal()));
  }

  @Test
  void compileWhenFacilityHasNoDatasetsOrPolicyThenOnlyKnownFacilities() {
    cache.applied(List.of(new eu.panosc.pdp.model.Change.PutFacility(new Facility("ess", "ESS", 3)),
        new eu.panosc.pdp.model.Change.PutProposal(new Proposal("ess:P-1", "ess", "t", RandomWorld.NOW,
            RandomWorld.NOW.plus(Duration.ofDays(1)), null))));
    var filter = filters.compile(new AccessRequest.Entity("user", "nobody", Map.of()), "read", Map.of(), Map.of(),
        Map.of());
    assertThat(filter.policies()).containsKeys("esrf", "ill", "xfel", "ess");
    Dataset elsewhere = new Dataset("y", "p", "unknown-facility", null, RandomWorld.NOW, null, true, null, null, 0);
    assertThat(filter.expr().test(new Relations.DatasetFacts(elsewhere, null, null, null)))
        .as("a dataset of a facility the PDP does not know is never admitted").isFalse();
  }
}
