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
 * A candidate is tested with the compiled condition (cheap) only when it is the smallest head, then
 * confirmed by the caller. The sources share a budget of candidates taken per page; when it runs out, the page ends at the last
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
        add(heads, new IndexSource(relations.datasetsOfProposal(proposal, after), left,
            facts -> g.facilities().contains(facts.dataset().facility()) && g.condition().test(facts)));
      }
    }
    if (filter.anyWide()) {
      Predicate<Relations.DatasetFacts> wide = facts -> filter.wideAt(facts.dataset().facility()).test(facts);
      if (filter.wideBeyondPublicOrReleased() || filter.time().isAfter(clock.instant().plus(INDEX_HORIZON))) {
        add(heads, new Scan(relations.datasetsAfter(after), left, filter));
      } else {
        add(heads, new IndexSource(relations.publicAfter(after), left, wide));
        add(heads, new IndexSource(relations.releasedAfter(after, filter.time()), left, wide));
      }
    }
    List<String> out = new ArrayList<>();
    String last = after;
    while (!heads.isEmpty()) {
      Source s = heads.poll();
      if (s.stalled) {
        // The budget ran out at s.head: every source has looked at every dataset up to it.
        last = drainUpTo(heads, s.head, last, out, limit, confirm);
        return new Page(out, out.size() >= limit ? last : s.head);
      }
      last = take(s, last, out, confirm);
      if (s.next()) {
        heads.add(s);
      }
      if (out.size() >= limit) {
        return new Page(out, heads.isEmpty() ? null : last);
      }
    }
    return new Page(out, null);
  }

  /** Tests the head of {@code s} and adds it when it passes; answers the last PID added. */
  private static String take(Source s, String last, List<String> out, Predicate<String> confirm) {
    if (s.head.equals(last) || !s.testHead()) {
      return last;
    }
    if (confirm.test(s.head)) {
      out.add(s.head);
    }
    return s.head;
  }

  private static void add(PriorityQueue<Source> heads, Source s) {
    if (s.next()) {
      heads.add(s);
    }
  }

  /** Takes the (untested) heads equal to {@code bound}; no source may advance once the budget is spent. */
  private static String drainUpTo(PriorityQueue<Source> heads, String bound, String emitted, List<String> out,
      int limit, Predicate<String> confirm) {
    String last = emitted;
    while (!heads.isEmpty() && heads.peek().head.compareTo(bound) <= 0 && out.size() < limit) {
      Source s = heads.poll();
      if (!s.stalled) {
        last = take(s, last, out, confirm);
      }
    }
    return last;
  }

  /**
   * A sorted stream of candidate PIDs. {@link #next} moves {@link #head} to the next PID without testing
   * it (so a source costs nothing until its head is the smallest), or, when the shared budget is spent,
   * marks the source stalled at the last PID it took. {@link #testHead} tests the head.
   */
  private abstract static class Source {
    private final int[] budget;
    String head;
    boolean stalled;

    Source(int[] budget) {
      this.budget = budget;
    }

    abstract boolean hasMore();

    abstract String nextPid();

    abstract boolean testHead();

    final boolean next() {
      if (!hasMore()) {
        return false;
      }
      if (budget[0]-- <= 0 && head != null) {  // each source takes one PID at least: progress
        stalled = true;
        return true;
      }
      head = nextPid();
      return true;
    }
  }

  /** PIDs from an index (a proposal's datasets, the public or the released ones), tested with a condition. */
  private final class IndexSource extends Source {
    private final Iterator<String> pids;
    private final Predicate<Relations.DatasetFacts> test;

    IndexSource(Iterator<String> pids, int[] budget, Predicate<Relations.DatasetFacts> test) {
      super(budget);
      this.pids = pids;
      this.test = test;
    }

    @Override
    boolean hasMore() {
      return pids.hasNext();
    }

    @Override
    String nextPid() {
      return pids.next();
    }

    @Override
    boolean testHead() {
      var facts = relations.dataset(head);
      return facts.isPresent() && test.test(facts.get());
    }
  }

  /** All datasets in PID order, tested with the facility-wide condition (no index lookups). */
  private final class Scan extends Source {
    private final Iterator<Dataset> datasets;
    private final DatasetFilters.DatasetFilter filter;
    private Dataset current;

    Scan(Iterator<Dataset> datasets, int[] budget, DatasetFilters.DatasetFilter filter) {
      super(budget);
      this.datasets = datasets;
      this.filter = filter;
    }

    @Override
    boolean hasMore() {
      return datasets.hasNext();
    }

    @Override
    String nextPid() {
      current = datasets.next();
      return current.pid();
    }

    @Override
    boolean testHead() {
      Expr wide = filter.wideAt(current.facility());
      return !wide.equals(Expr.FALSE) && wide.test(relations.factsOf(current));
    }
  }
}
