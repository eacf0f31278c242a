package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import eu.panosc.pdp.model.Dataset;
import eu.panosc.pdp.model.Facility;
import eu.panosc.pdp.model.Member;
import eu.panosc.pdp.model.Proposal;
import eu.panosc.pdp.model.StaffRole;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory copy of the facts decisions read: membership per user, staff roles per user, and datasets
 * by PID. Loaded from a {@link Snapshot}, then kept current by {@link #applied} after each committed
 * write. Release dates are derived on read, so a facility's embargo change applies at once.
 *
 * <p>Fail-closed: a dataset is only decided about (found, listed, searched) while its proposal and its
 * facility are known here and agree with it; otherwise it is held back (as if unknown: every decision about
 * it denies) until a later write makes it consistent. While {@linkplain #suspend suspended} (the replica
 * could not follow the change log), no dataset is found at all.
 */
public final class RelationCache implements Relations {
  // Not final: load() fills a new set of tables and swaps them in, so a reader never sees a half-loaded cache.
  private volatile Map<String, Facility> facilities = new ConcurrentHashMap<>();
  private volatile Map<String, Proposal> proposals = new ConcurrentHashMap<>();
  /** user → proposal → role. */
  private volatile Map<String, Map<String, String>> memberships = new ConcurrentHashMap<>();
  /** proposal → users, for cascading a proposal delete. */
  private volatile Map<String, Set<String>> membersOf = new ConcurrentHashMap<>();
  /** user → facility → roles (immutable sets, replaced on change). */
  private volatile Map<String, Map<String, Set<String>>> staff = new ConcurrentHashMap<>();
  private volatile ConcurrentSkipListMap<String, Dataset> datasets = new ConcurrentSkipListMap<>();
  /** proposal → its datasets' PIDs in PID order: the index a resource search walks for a member. */
  private volatile Map<String, ConcurrentSkipListSet<String>> datasetsByProposal = new ConcurrentHashMap<>();
  private volatile ReleaseIndex releases = new ReleaseIndex(Instant.now());
  /** Datasets whose proposal or facility is unknown here or contradicts them: never decided about. */
  private volatile Map<String, Dataset> heldBack = new ConcurrentHashMap<>();
  /** Why the cache may not be used, or null. */
  private volatile String suspended;
  private final AtomicLong generation = new AtomicLong();

  /**
   * Replaces the whole content with {@code snapshot}: the new tables are built aside, then swapped in, so
   * decisions made meanwhile read the previous content rather than a partly loaded one.
   */
  public synchronized void load(Snapshot snapshot) {
    RelationCache next = new RelationCache();
    snapshot.facilities().forEach(f -> next.facilities.put(f.id(), f));
    snapshot.proposals().forEach(p -> next.proposals.put(p.id(), p));
    snapshot.members().forEach(next::putMember);
    snapshot.staff().forEach(next::putStaff);
    snapshot.datasets().forEach(d -> {
      if (next.admissible(d)) {
        next.putDataset(d);
      } else {
        next.heldBack.put(d.pid(), d);
      }
    });
    next.datasets.values().forEach(next::indexRelease);
    facilities = next.facilities;
    proposals = next.proposals;
    memberships = next.memberships;
    membersOf = next.membersOf;
    staff = next.staff;
    datasets = next.datasets;
    datasetsByProposal = next.datasetsByProposal;
    releases = next.releases;
    heldBack = next.heldBack;
    suspended = null;
    generation.incrementAndGet();
  }

  /** Whether {@code d}'s proposal and facility are known and agree with it (else it is held back). */
  private boolean admissible(Dataset d) {
    Proposal p = proposals.get(d.proposal());
    return p != null && p.facility().equals(d.facility()) && facilities.containsKey(d.facility());
  }

  /** Admits the held-back datasets that {@code affected} selects and that are consistent now. */
  private void readmit(java.util.function.Predicate<Dataset> affected) {
    if (heldBack.isEmpty()) {
      return;
    }
    for (Dataset d : List.copyOf(heldBack.values())) {
      if (affected.test(d) && admissible(d)) {
        heldBack.remove(d.pid());
        putDataset(d);
        indexRelease(d);
      }
    }
  }

  /** The datasets currently held back because their proposal or facility is unknown here or contradicts them. */
  public int heldBack() {
    return heldBack.size();
  }

  /**
   * Stops answering: until {@link #load}, no dataset is found, listed or searched, so decisions deny rather
   * than come from a view that stopped following the writes.
   */
  public void suspend(String reason) {
    suspended = java.util.Objects.requireNonNull(reason, "reason");
  }

  /** Why the cache is suspended, or null when it answers. */
  @Override
  public String suspended() {
    return suspended;
  }

  /** Applies changes that the store has committed. */
  public synchronized void applied(List<Change> changes) {
    for (Change c : changes) {
      switch (c) {
        case Change.PutFacility(Facility f) -> {
          Facility old = facilities.put(f.id(), f);
          if (old == null || old.embargoYears() != f.embargoYears()) {
            datasets.values().stream().filter(d -> d.facility().equals(f.id())).forEach(this::indexRelease);
          }
          readmit(d -> d.facility().equals(f.id()));
        }
        case Change.PutProposal(Proposal p) -> {
          proposals.put(p.id(), p);
          ConcurrentSkipListSet<String> pids = datasetsByProposal.get(p.id());
          if (pids != null) {
            pids.forEach(pid -> {
              Dataset d = datasets.get(pid);
              if (d != null) {
                indexRelease(d);
              }
            });
          }
          readmit(d -> d.proposal().equals(p.id()));
        }
        case Change.PutMember(Member m) -> putMember(m);
        case Change.PutStaff(StaffRole s) -> putStaff(s);
        case Change.PutDataset(Dataset d) -> {
          if (admissible(d)) {
            heldBack.remove(d.pid());
            putDataset(d);
            indexRelease(d);
          } else {
            removeDataset(d.pid());
            heldBack.put(d.pid(), d);
          }
        }
        case Change.DeleteFacility(String id) -> {
          facilities.remove(id);
          staff.values().forEach(byFacility -> byFacility.remove(id));
        }
        case Change.DeleteProposal(String id) -> {
          proposals.remove(id);
          Set<String> users = membersOf.remove(id);
          if (users != null) {
            users.forEach(u -> removeMember(id, u));
          }
        }
        case Change.DeleteMember(String proposal, String user) -> {
          removeMember(proposal, user);
          Set<String> users = membersOf.get(proposal);
          if (users != null) {
            users.remove(user);
          }
        }
        case Change.DeleteStaff(String user, String facility, String role) -> {
          Map<String, Set<String>> byFacility = staff.get(user);
          if (byFacility != null) {
            byFacility.computeIfPresent(facility, (k, roles) -> {
              Set<String> next = new HashSet<>(roles);
              next.remove(role);
              return next.isEmpty() ? null : Set.copyOf(next);
            });
          }
        }
        case Change.DeleteDataset(String pid) -> {
          heldBack.remove(pid);
          removeDataset(pid);
        }
      }
    }
    generation.incrementAndGet();
  }

  /** Counts writes applied, for tests and diagnostics. */
  public long generation() {
    return generation.get();
  }

  private void removeDataset(String pid) {
    Dataset old = datasets.remove(pid);
    if (old != null) {
      unindex(old);
      releases.remove(pid);
    }
  }

  private void putDataset(Dataset d) {
    Dataset old = datasets.put(d.pid(), d);
    if (old != null && !old.proposal().equals(d.proposal())) {
      unindex(old);
    }
    datasetsByProposal.computeIfAbsent(d.proposal(), p -> new ConcurrentSkipListSet<>()).add(d.pid());
  }

  private void indexRelease(Dataset d) {
    releases.index(d.pid(), d.isPublic(), factsOf(d).releaseDate());
  }

  private void unindex(Dataset d) {
    datasetsByProposal.computeIfPresent(d.proposal(), (p, pids) -> {
      pids.remove(d.pid());
      return pids.isEmpty() ? null : pids;
    });
  }

  private void putMember(Member m) {
    memberships.computeIfAbsent(m.user(), u -> new ConcurrentHashMap<>()).put(m.proposal(), m.role());
    membersOf.computeIfAbsent(m.proposal(), p -> ConcurrentHashMap.newKeySet()).add(m.user());
  }

  private void removeMember(String proposal, String user) {
    Map<String, String> byProposal = memberships.get(user);
    if (byProposal != null) {
      byProposal.remove(proposal);
      if (byProposal.isEmpty()) {
        memberships.remove(user);
      }
    }
  }

  private void putStaff(StaffRole s) {
    staff.computeIfAbsent(s.user(), u -> new ConcurrentHashMap<>()).merge(s.facility(), Set.of(s.role()), (a, b) -> {
      Set<String> next = new HashSet<>(a);
      next.addAll(b);
      return Set.copyOf(next);
    });
  }

  @Override
  public Optional<DatasetFacts> dataset(String pid) {
    if (suspended != null) {
      return Optional.empty();
    }
    Dataset d = datasets.get(pid);
    return d == null ? Optional.empty() : Optional.of(factsOf(d));
  }

  @Override
  public DatasetFacts factsOf(Dataset d) {
    Proposal p = proposals.get(d.proposal());
    Facility f = facilities.get(d.facility());
    Instant release = d.releaseOverride() != null ? d.releaseOverride()
        : p == null ? null : p.releaseDate(facilities.get(p.facility()));
    return new DatasetFacts(d, p, f, release);
  }

  @Override
  public String memberRole(String user, String proposal) {
    Map<String, String> byProposal = memberships.get(user);
    return byProposal == null ? null : byProposal.get(proposal);
  }

  @Override
  public Set<String> staffRoles(String user, String facility) {
    Map<String, Set<String>> byFacility = staff.get(user);
    if (byFacility == null) {
      return Set.of();
    }
    Set<String> roles = byFacility.get(facility);
    return roles == null ? Set.of() : roles;
  }

  @Override
  public Iterator<Dataset> datasetsAfter(String afterPid) {
    if (suspended != null) {
      return java.util.Collections.emptyIterator();
    }
    return datasets.tailMap(afterPid, false).values().iterator();
  }

  @Override
  public Iterator<String> datasetsOfProposal(String proposal, String afterPid) {
    ConcurrentSkipListSet<String> pids = datasetsByProposal.get(proposal);
    return pids == null || suspended != null ? java.util.Collections.emptyIterator() : pids.tailSet(afterPid, false).iterator();
  }

  @Override
  public Iterator<String> publicAfter(String afterPid) {
    if (suspended != null) {
      return java.util.Collections.emptyIterator();
    }
    return releases.publicAfter(afterPid);
  }

  @Override
  public Iterator<String> releasedAfter(String afterPid, Instant time) {
    if (suspended != null) {
      return java.util.Collections.emptyIterator();
    }
    return releases.releasedAfter(afterPid, time);
  }

  @Override
  public Set<String> facilityIds() {
    return Set.copyOf(facilities.keySet());
  }

  @Override
  public Map<String, String> membershipsOf(String user) {
    Map<String, String> byProposal = memberships.get(user);
    return byProposal == null ? Map.of() : Map.copyOf(byProposal);
  }

  @Override
  public Iterator<String> usersAfter(String afterUser) {
    TreeSet<String> users = new TreeSet<>(memberships.keySet());
    staff.forEach((u, byFacility) -> {
      if (!byFacility.isEmpty()) {
        users.add(u);
      }
    });
    return users.tailSet(afterUser, false).iterator();
  }
}
