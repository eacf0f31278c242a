package eu.panosc.pdp.filter;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.DecisionEngine;
import eu.panosc.pdp.engine.EntitlementMapper;
import eu.panosc.pdp.engine.PolicyFunctions;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.policy.Policy;
import eu.panosc.pdp.policy.PolicyRegistry;
import eu.panosc.pdp.policy.ResourceReads;
import eu.panosc.pdp.policy.Rule;
import eu.panosc.pdp.store.Relations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns "which datasets may this subject act on" into a condition over four dataset attributes
 * (facility, proposal, public, release date), by case analysis instead of symbolic rewriting of CEL.
 *
 * <p>For a fixed subject, action, context and facility, a policy that reads only {@code resource.public},
 * {@code resource.releaseDate} (compared with {@code context.time}), {@code resource.facility},
 * {@code resource.proposal} (through {@code member()}) and the caller's {@code resource.properties} decides
 * the same for every dataset that agrees on three things: public or not, released or not, and the
 * subject's role in its proposal (none, {@code pi}, {@code co-proposer}, {@code local-contact},
 * {@code member}). That is 2 × 2 × 5 cases per facility, each decided once by the real engine on a
 * synthetic dataset. The permitted cases become the filter: for the role "none" a condition over
 * public/released that applies to every dataset of the facility; for each role that permits more, the
 * subject's proposals holding that role. A policy that reads anything else ({@code resource.id},
 * {@code instrument}, {@code created}, or {@code resource} as a whole) cannot be exported:
 * {@link NotExportable}. The release probes use the boundary ({@code time}, {@code time} + 1 ns) and
 * far-away dates, so a policy comparing the release date with anything but {@code context.time} is
 * detected and refused as well.
 */
public final class DatasetFilters {
  /** Fields of {@code resource} that a filterable policy may read. */
  static final Set<String> FILTERABLE = Set.of("public", "releaseDate", "facility", "proposal", "type", "properties");
  /** The subject's possible roles in a dataset's proposal; "" is none. */
  static final List<String> ROLES = List.of("", "pi", "co-proposer", "local-contact", "member");
  private static final String PROBE_PID = "\u0000probe";
  private static final Duration FAR = Duration.ofDays(36_500);

  private final DecisionEngine engine;
  private final Relations relations;
  private final PolicyRegistry policies;
  private final EntitlementMapper entitlements;
  private final Clock clock;

  public DatasetFilters(DecisionEngine engine, Relations relations, PolicyRegistry policies,
      EntitlementMapper entitlements, Clock clock) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.relations = Objects.requireNonNull(relations, "relations");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.entitlements = Objects.requireNonNull(entitlements, "entitlements");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A policy that the filter cannot express exactly. */
  public static final class NotExportable extends RuntimeException {
    private final String facility;

    NotExportable(String facility, String message) {
      super(message, null, false, false);
      this.facility = facility;
    }

    public String facility() {
      return facility;
    }
  }

  /**
   * The subject's proposals that permit more than the facility-wide condition, under one condition.
   * {@code facilities} are those sharing the same outcome table.
   */
  public record Grant(Set<String> facilities, Expr condition, Set<String> proposals) {}

  /**
   * The compiled filter: {@code wide} per facility (what holds for any dataset there, whatever its
   * proposal), the proposal {@code grants}, the whole condition {@code expr}, the decision time and the
   * policy version used per facility. {@code wideBeyondPublicOrReleased} is true when some facility-wide
   * condition admits a dataset that is neither public nor released (e.g. for a facility's data staff):
   * then a search cannot take its facility-wide candidates from the public and released indexes alone.
   */
  public record DatasetFilter(Instant time, Map<String, Expr> wide, List<Grant> grants, Expr expr,
      Map<String, String> policies, boolean wideBeyondPublicOrReleased) {

    /** The facility-wide condition of {@code facility} ({@link Expr#FALSE} for an unknown one). */
    public Expr wideAt(String facility) {
      Expr e = wide.get(facility);
      return e == null ? Expr.FALSE : e;
    }

    /** True when some facility lets datasets through whatever their proposal. */
    public boolean anyWide() {
      return wide.values().stream().anyMatch(e -> !e.equals(Expr.FALSE));
    }
  }

  /**
   * Compiles the filter for {@code subject} doing {@code action}; {@code context.time} (an Instant) is
   * the decision time, default now.
   *
   * @throws NotExportable when a facility's policy reads what a filter cannot express
   */
  public DatasetFilter compile(AccessRequest.Entity subject, String action, Map<String, Object> actionProperties,
      Map<String, Object> resourceProperties, Map<String, Object> context) {
    Instant time = context.get("time") instanceof Instant t ? t : clock.instant();
    Map<String, Object> ctx = new HashMap<>(context);
    ctx.put("time", time);
    Map<String, String> roles = rolesOf(subject);

    // facility → outcome table (mask per role); facilities with the same table share one clause.
    Map<List<Integer>, Set<String>> byTable = new LinkedHashMap<>();
    Map<String, String> used = new TreeMap<>();
    for (String facility : new TreeSet<>(relations.facilityIds())) {
      Policy policy = policies.forFacility(facility);
      if (policy == null) {
        continue;  // the engine denies every dataset of a facility without a policy
      }
      used.put(facility, policy.label());
      checkReads(facility, policy, action);
      List<Integer> table = new ArrayList<>(ROLES.size());
      for (String role : ROLES) {
        table.add(mask(subject, action, actionProperties, resourceProperties, ctx, facility, role, time));
      }
      byTable.computeIfAbsent(table, k -> new TreeSet<>()).add(facility);
    }

    Map<String, Expr> wide = new HashMap<>();
    List<Grant> grants = new ArrayList<>();
    List<Expr> clauses = new ArrayList<>();
    boolean beyond = false;
    for (Map.Entry<List<Integer>, Set<String>> e : byTable.entrySet()) {
      List<Integer> table = e.getKey();
      int base = table.get(0);
      beyond |= (base & 1) != 0;  // cell 0: neither public nor released
      Set<String> excluded = new TreeSet<>();
      Map<Integer, Set<String>> byMask = new TreeMap<>();
      roles.forEach((proposal, role) -> {
        int i = ROLES.indexOf(role);
        int m = i < 0 ? base : table.get(i);
        boolean exclude = (base & ~m) != 0;  // the role loses some of what everybody has
        if (exclude) {
          excluded.add(proposal);
        }
        if (m != 0 && ((m & ~base) != 0 || exclude)) {
          byMask.computeIfAbsent(m, k -> new TreeSet<>()).add(proposal);
        }
      });
      Expr w = Expr.and(List.of(condition(base, time),
          excluded.isEmpty() ? Expr.TRUE : new Expr.Not(Expr.In.of("proposal", excluded))));
      e.getValue().forEach(f -> wide.put(f, w));
      List<Expr> parts = new ArrayList<>();
      parts.add(w);
      byMask.forEach((m, proposals) -> {
        Expr cond = condition(m, time);
        grants.add(new Grant(Set.copyOf(e.getValue()), cond, Set.copyOf(proposals)));
        parts.add(Expr.and(List.of(Expr.In.of("proposal", proposals), cond)));
      });
      Expr any = Expr.or(parts);
      if (!any.equals(Expr.FALSE)) {
        clauses.add(Expr.and(List.of(Expr.In.of("facility", e.getValue()), any)));
      }
    }
    return new DatasetFilter(time, Map.copyOf(wide), List.copyOf(grants), Expr.or(clauses), Map.copyOf(used),
        beyond);
  }

  /** The proposals the subject holds a role in: stored membership first, then trusted entitlements. */
  private Map<String, String> rolesOf(AccessRequest.Entity subject) {
    Map<String, String> roles = new TreeMap<>();
    if (!"user".equals(subject.type()) || subject.id() == null) {
      return roles;
    }
    if (subject.properties().get("entitlements") instanceof List<?> list) {
      roles.putAll(entitlements.proposals(list));
    }
    roles.putAll(relations.membershipsOf(subject.id()));
    return roles;
  }

  private static void checkReads(String facility, Policy policy, String action) {
    for (Rule rule : policy.rulesFor(action)) {
      for (String field : rule.resourceReads()) {
        if (!FILTERABLE.contains(field)) {
          throw new NotExportable(facility, "The policy " + policy.label() + " of facility " + facility
              + " (rule " + rule.id() + ") reads " + (field.equals(ResourceReads.ANY) ? "the resource as a whole"
              : "resource." + field) + ", which a dataset filter cannot express.");
        }
      }
    }
  }

  /**
   * Bit {@code (public ? 2 : 0) | (released ? 1 : 0)} is set when the engine permits such a dataset of
   * {@code facility} to a subject holding {@code role} in its proposal.
   */
  private int mask(AccessRequest.Entity subject, String action, Map<String, Object> actionProperties,
      Map<String, Object> resourceProperties, Map<String, Object> ctx, String facility, String role, Instant time) {
    int mask = 0;
    for (int cell = 0; cell < 4; cell++) {
      boolean isPublic = (cell & 2) != 0;
      boolean released = (cell & 1) != 0;
      Instant[] releases = released
          ? new Instant[] {time, time.minus(FAR)}
          : new Instant[] {time.plusNanos(1), time.plus(FAR)};
      Boolean outcome = null;
      for (Instant release : releases) {
        Dataset d = new Dataset(PROBE_PID, PolicyFunctions.PROBE_PROPOSAL + role, facility, null, time, release,
            isPublic, null, null, 0);
        AccessRequest request = new AccessRequest(subject, action, actionProperties,
            new AccessRequest.Entity(DecisionEngine.DATASET, PROBE_PID, resourceProperties), ctx);
        boolean permit = engine.decide(request, new Relations.DatasetFacts(d, null, null, release)).permit();
        if (outcome != null && outcome != permit) {
          throw new NotExportable(facility, "The policy " + policies.forFacility(facility).label() + " of facility "
              + facility + " compares resource.releaseDate with something other than context.time, which a "
              + "dataset filter cannot express.");
        }
        outcome = permit;
      }
      if (outcome) {
        mask |= 1 << cell;
      }
    }
    return mask;
  }

  /** The condition over public (P) and released (R) whose true cells are {@code mask}. */
  static Expr condition(int mask, Instant time) {
    Expr p = new Expr.IsPublic();
    Expr r = new Expr.Released(time);
    Expr np = new Expr.Not(p);
    Expr nr = new Expr.Not(r);
    return switch (mask) {
      case 0 -> Expr.FALSE;
      case 15 -> Expr.TRUE;
      case 12 -> p;
      case 10 -> r;
      case 3 -> np;
      case 5 -> nr;
      case 8 -> new Expr.And(List.of(p, r));
      case 4 -> new Expr.And(List.of(p, nr));
      case 2 -> new Expr.And(List.of(np, r));
      case 1 -> new Expr.And(List.of(np, nr));
      case 14 -> new Expr.Or(List.of(p, r));
      case 13 -> new Expr.Or(List.of(p, nr));
      case 11 -> new Expr.Or(List.of(np, r));
      case 7 -> new Expr.Or(List.of(np, nr));
      case 6 -> new Expr.Or(List.of(new Expr.And(List.of(p, nr)), new Expr.And(List.of(np, r))));
      case 9 -> new Expr.Or(List.of(new Expr.And(List.of(p, r)), new Expr.And(List.of(np, nr))));
      default -> throw new IllegalArgumentException("mask " + mask);
    };
  }
}
