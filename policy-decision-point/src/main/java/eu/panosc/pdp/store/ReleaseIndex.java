package eu.panosc.pdp.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Candidate sets for a resource search's facility-wide conditions, in PID order: the public datasets,
 * and the datasets released by {@code sweptTo} (their release date is at or before it). Datasets not yet
 * released wait in a queue by release date and move over when a search asks about a later time.
 *
 * <p>Both sets are supersets: an entry whose dataset was deleted, made non-public or had its release
 * date moved later may linger until the cache is next loaded whole. The search tests every candidate exactly,
 * so a stale entry costs a lookup, never a wrong answer; a missing entry would be a wrong answer, so every
 * change that can make a dataset public or released adds it.
 */
final class ReleaseIndex {
  private final ConcurrentSkipListSet<String> published = new ConcurrentSkipListSet<>();
  private final ConcurrentSkipListSet<String> released = new ConcurrentSkipListSet<>();
  /** release date → PIDs released then, for release dates after {@link #sweptTo}; guarded by this. */
  private final TreeMap<Instant, List<String>> pending = new TreeMap<>();
  private volatile Instant sweptTo;

  ReleaseIndex(Instant sweptTo) {
    this.sweptTo = sweptTo;
  }

  /** Records a dataset's current state (a dataset without a release date is never released). */
  synchronized void index(String pid, boolean isPublic, Instant release) {
    if (isPublic) {
      published.add(pid);
    } else {
      published.remove(pid);
    }
    if (release == null) {
      return;
    }
    if (!release.isAfter(sweptTo)) {
      released.add(pid);
    } else {
      pending.computeIfAbsent(release, r -> new ArrayList<>(1)).add(pid);
    }
  }

  void remove(String pid) {
    published.remove(pid);
    released.remove(pid);
  }

  /** Public datasets after {@code afterPid}. */
  Iterator<String> publicAfter(String afterPid) {
    return published.tailSet(afterPid, false).iterator();
  }

  /** Datasets released at or before {@code time} (and possibly some others), after {@code afterPid}. */
  Iterator<String> releasedAfter(String afterPid, Instant time) {
    sweep(time);
    return released.tailSet(afterPid, false).iterator();
  }

  private void sweep(Instant to) {
    if (!to.isAfter(sweptTo)) {
      return;
    }
    synchronized (this) {
      while (!pending.isEmpty() && !pending.firstKey().isAfter(to)) {
        Map.Entry<Instant, List<String>> due = pending.pollFirstEntry();
        released.addAll(due.getValue());
      }
      if (to.isAfter(sweptTo)) {
        sweptTo = to;
      }
    }
  }
}
