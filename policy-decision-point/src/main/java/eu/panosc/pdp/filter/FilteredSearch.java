package eu.panosc.pdp.filter;

import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.store.Relations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Walks the datasets a {@link DatasetFilters.DatasetFilter} admits, in PID order, without looking at
 * every dataset: one source per granted proposal (its datasets, from the proposal index) merged with, only
 * when some facility admits datasets whatever their proposal (public, released, staff), a scan of all
 * datasets in PID order that tests the cheap compiled condition, not the policy. The scan examines at most
 * {@code scanBudget} datasets per page; when it stops early the page ends at the last PID it examined, so
 * the next page continues exactly there (nothing lost, nothing repeated).
 */
public final class FilteredSearch {
  private final Relations relations;

  public FilteredSearch(Relations relations) {
    this.relations = Objects.requireNonNull(relations, "relations");
  }

  /**
   * One page: up to {@code limit} PIDs after {@code after} that pass the filter and {@code confirm}, and
   * the position to continue from, or null at the end.
   */
  public record Page(List<String> pids, String resumeAfter) {}

  public Page page(DatasetFilters.DatasetFilter filter, String after, int limit, int scanBudget,
      Predicate<String> confirm) {
    PriorityQueue<Source> heads = new PriorityQueue<>((a, b) -> a.head.compareTo(b.head));
    for (DatasetFilters.Grant g : filter.grants()) {
      for (String proposal : g.proposals()) {
        Source s = new ProposalSource(relations.datasetsOfProposal(proposal, after), g);
        if (s.advance()) {
          heads.add(s);
        }
      }
    }
    Scan scan = null;
    if (filter.anyWide()) {
      scan = new Scan(relations.datasetsAfter(after), filter, scanBudget);
      if (scan.advance()) {
        heads.add(scan);
      }
    }
    List<String> out = new ArrayList<>();
    String last = after;
    while (!heads.isEmpty()) {
      Source s = heads.poll();
      String pid = s.head;
      if (s == scan && scan.stalled) {
        // The scan spent its budget at pid: every dataset up to it has been looked at by every source.
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

  private static void drainUpTo(PriorityQueue<Source> heads, String bound, String emitted, List<String> out,
      int limit, Predicate<String> confirm) {
    String last = emitted;
    while (!heads.isEmpty() && heads.peek().head.compareTo(bound) <= 0 && out.size() < limit) {
      Source s = heads.poll();
      if (!s.head.equals(last) && confirm.test(s.head)) {
        out.add(s.head);
      }
      last = s.head;
      if (s.advance()) {
        heads.add(s);
      }
    }
  }

  /** A sorted stream of candidate PIDs; {@link #advance} moves {@link #head} to the next one. */
  private abstract static class Source {
    String head;

    abstract boolean advance();
  }

  private final class ProposalSource extends Source {
    private final Iterator<String> pids;
    private final DatasetFilters.Grant grant;

    ProposalSource(Iterator<String> pids, DatasetFilters.Grant grant) {
      this.pids = pids;
      this.grant = grant;
    }

    @Override
    boolean advance() {
      while (pids.hasNext()) {
        String pid = pids.next();
        var facts = relations.dataset(pid);
        if (facts.isPresent() && grant.facilities().contains(facts.get().dataset().facility())
            && grant.condition().test(facts.get())) {
          head = pid;
          return true;
        }
      }
      return false;
    }
  }

  private final class Scan extends Source {
    private final Iterator<Dataset> datasets;
    private final DatasetFilters.DatasetFilter filter;
    private int budget;
    boolean stalled;

    Scan(Iterator<Dataset> datasets, DatasetFilters.DatasetFilter filter, int budget) {
      this.datasets = datasets;
      this.filter = filter;
      this.budget = budget;
    }

    @Override
    boolean advance() {
      while (datasets.hasNext()) {
        if (budget-- <= 0) {
          stalled = true;
          return head != null;
        }
        Dataset d = datasets.next();
        Expr wide = filter.wideAt(d.facility());
        head = d.pid();
        if (!wide.equals(Expr.FALSE) && wide.test(relations.factsOf(d))) {
          return true;
        }
      }
      return false;
    }
  }
}
