package eu.panosc.pdp.filter;

import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.store.Relations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Walks the datasets a {@link DatasetFilters.DatasetFilter} admits, in PID order, without looking at
 * every dataset. Sources, each sorted by PID, are merged:
 * <ul>
 *   <li>one per granted proposal: its datasets, from the proposal index;</li>
 *   <li>when some facility admits datasets whatever their proposal, and only because they are public or
 *       released: the public index and the released index;</li>
 *   <li>when some facility admits more than that (its data staff may read everything there), or the
 *       decision time is more than a day ahead: a scan of all datasets.</li>
 * </ul>
 * Every candidate is tested with the compiled condition (cheap), then confirmed by the caller. The
 * sources share a budget of candidates examined per page; when it runs out, the page ends at the last
 * PID every source has looked at, so the next page continues exactly there (nothing lost, nothing
 * repeated). Each source looks at one PID at least, so every page moves forward.
 */
public final class FilteredSearch {
  /** Released-index lookups are answered for decision times up to this far ahead; later ones scan. */
  static final Duration INDEX_HORIZON = Duration.ofDays(1);

  private final Relations relations;
  private final Clock clock;

  public FilteredSearch(Relations relations, Clock clock) {
    this.relations = Objects.requireNonNull(relations, "relations");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * One page: up to {@code limit} PIDs after {@code after} that pass the filter and {@code confirm}, and
   * the position to continue from, or null at the end.
   */
  public record Page(List<String> pids, String resumeAfter) {}

  public Page page(DatasetFilters.DatasetFilter filter, String after, int limit, int budget,
      Predicate<String> confirm) {
    int[] left = {budget};
    PriorityQueue<Source> heads = new PriorityQueue<>((a, b) -> a.head.compareTo(b.head));
    for (DatasetFilters.Grant g : filter.grants()) {
      for (String proposal : g.proposals()) {
        add(heads, new Source(relations.datasetsOfProposal(proposal, after), left,
            facts -> g.facilities().contains(facts.dataset().facility()) && g.condition().test(facts)));
      }
    }
    if (filter.anyWide()) {
      Predicate<Relations.DatasetFacts> wide = facts -> filter.wideAt(facts.dataset().facility()).test(facts);
      if (filter.wideBeyondPublicOrReleased() || filter.time().isAfter(clock.instant().plus(INDEX_HORIZON))) {
        add(heads, new Scan(relations.datasetsAfter(after), left, filter));
      } else {
        add(heads, new Source(relations.publicAfter(after), left, wide));
        add(heads, new Source(relations.releasedAfter(after, filter.time()), left, wide));
      }
    }
    List<String> out = new ArrayList<>();
    String last = after;
    while (!heads.isEmpty()) {
      Source s = heads.poll();
      String pid = s.head;
      if (s.stalled) {
        // The budget ran out at pid: every source has looked at every dataset up to it.
        drainUpTo(heads, pid, last, out, limit, confirm);
        return new Page(out, out.size() >= limit ? out.get(out.size() - 1) : pid);
      }
      if (!pid.equals(last)) {
        if (confirm.test(pid)) {
          out.add(pid);
        }
        last = pid;
      }
      if (s.advance()) {
        heads.add(s);
      }
      if (out.size() >= limit) {
        return new Page(out, heads.isEmpty() ? null : last);
      }
    }
    return new Page(out, null);
  }

  private static void add(PriorityQueue<Source> heads, Source s) {
    if (s.advance()) {
      heads.add(s);
    }
  }

  private static void drainUpTo(PriorityQueue<Source> heads, String bound, String emitted, List<String> out,
      int limit, Predicate<String> confirm) {
    String last = emitted;
    while (!heads.isEmpty() && heads.peek().head.compareTo(bound) <= 0 && out.size() < limit) {
      Source s = heads.poll();
      if (!s.stalled && !s.head.equals(last)) {
        if (confirm.test(s.head)) {
          out.add(s.head);
        }
        last = s.head;
      }
    }
  }

  /**
   * A sorted stream of candidate PIDs passing {@code test}; {@link #advance} moves {@link #head} to the
   * next one, or, when the shared budget runs out, marks the source stalled at the last PID it examined.
   */
  private class Source {
    private final Iterator<String> pids;
    private final int[] budget;
    private final Predicate<Relations.DatasetFacts> test;
    String head;
    boolean stalled;

    Source(Iterator<String> pids, int[] budget, Predicate<Relations.DatasetFacts> test) {
      this.pids = pids;
      this.budget = budget;
      this.test = test;
    }

    boolean advance() {
      while (pids.hasNext()) {
        if (budget[0]-- <= 0 && head != null) {  // each source looks at one PID at least: progress
          stalled = true;
          return true;
        }
        String pid = pids.next();
        head = pid;
        var facts = relations.dataset(pid);
        if (facts.isPresent() && test.test(facts.get())) {
          return true;
        }
      }
      return false;
    }
  }

  /** All datasets in PID order, tested with the facility-wide condition (no index lookups). */
  private final class Scan extends Source {
    private final Iterator<Dataset> datasets;
    private final int[] budget;
    private final DatasetFilters.DatasetFilter filter;

    Scan(Iterator<Dataset> datasets, int[] budget, DatasetFilters.DatasetFilter filter) {
      super(null, budget, null);
      this.datasets = datasets;
      this.budget = budget;
      this.filter = filter;
    }

    @Override
    boolean advance() {
      while (datasets.hasNext()) {
        if (budget[0]-- <= 0 && head != null) {  // each source looks at one PID at least: progress
          stalled = true;
          return true;
        }
        Dataset d = datasets.next();
        head = d.pid();
        Expr wide = filter.wideAt(d.facility());
        if (!wide.equals(Expr.FALSE) && wide.test(relations.factsOf(d))) {
          return true;
        }
      }
      return false;
    }
  }
}
