package eu.panosc.broker.store;

import eu.panosc.broker.model.Flavour;
import eu.panosc.broker.model.Image;
import eu.panosc.broker.model.Quota;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.Session;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** A {@link BrokerStore} in memory, for tests and benchmarks; one monitor makes every operation atomic. */
public final class InMemoryBrokerStore implements BrokerStore {
  private final Map<String, Flavour> flavours = new TreeMap<>();
  private final Map<String, Image> images = new TreeMap<>();
  private final Map<String, Session> sessions = new TreeMap<>();
  private final Leadership leadership = new Leadership();

  @Override
  public synchronized Future<Void> putFlavour(Flavour flavour) {
    flavours.put(flavour.id(), flavour);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Flavour>> flavours() {
    return Future.succeededFuture(List.copyOf(flavours.values()));
  }

  @Override
  public synchronized Future<Void> putImage(Image image) {
    images.put(image.id(), image);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Image>> images() {
    return Future.succeededFuture(List.copyOf(images.values()));
  }

  @Override
  public synchronized Future<Session> create(Session session, Quota quota) {
    if (sessions.containsKey(session.id())) {
      return Future.failedFuture(new IllegalStateException("session " + session.id() + " exists"));
    }
    long own = sessions.values().stream().filter(s -> s.state().active() && s.owner().equals(session.owner())).count();
    List<Session> sameProposal = sessions.values().stream().filter(s -> s.state().active()
        && s.proposal().isPresent() && s.proposal().equals(session.proposal())).toList();
    Resources use = sameProposal.stream().map(Session::resources).reduce(Resources.NONE, Resources::plus);
    try {
      Quotas.check(session, quota, own, sameProposal.size(), use);
      double coreHours = sessions.values().stream().filter(s -> s.proposal().isPresent()
          && s.proposal().equals(session.proposal())).mapToDouble(s -> Quotas.coreHours(s, session.created())).sum();
      Quotas.checkCoreHours(session, quota, coreHours);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    sessions.put(session.id(), session);
    return Future.succeededFuture(session);
  }

  @Override
  public synchronized Future<Optional<Session>> get(String id) {
    return Future.succeededFuture(Optional.ofNullable(sessions.get(id)));
  }

  @Override
  public synchronized Future<List<Session>> list(Optional<String> owner) {
    List<Session> out = new ArrayList<>(sessions.values().stream()
        .filter(s -> owner.isEmpty() || s.owner().equals(owner.get())).toList());
    out.sort(Comparator.comparing(Session::created).reversed().thenComparing(Session::id));
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<List<Session>> active() {
    List<Session> out = new ArrayList<>(sessions.values().stream().filter(s -> s.state().active()).toList());
    out.sort(Comparator.comparing(Session::created).thenComparing(Session::id));
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Optional<Session>> update(String id, UnaryOperator<Session> updater) {
    Session current = sessions.get(id);
    if (current == null) {
      return Future.succeededFuture(Optional.empty());
    }
    Session next;
    try {
      next = updater.apply(current);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (!next.id().equals(id)) {
      return Future.failedFuture(new IllegalArgumentException("an update may not change the session id"));
    }
    // an updater built from an older read must not take back activity recorded since (touch)
    next = next.activeAt(current.lastActivity());
    sessions.put(id, next);
    return Future.succeededFuture(Optional.of(next));
  }

  @Override
  public synchronized Future<Void> touch(Map<String, java.time.Instant> lastSeen) {
    lastSeen.forEach((id, at) -> sessions.computeIfPresent(id, (k, s) -> s.activeAt(at)));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Map<String, eu.panosc.broker.model.Resources>> usedByCluster() {
    Map<String, eu.panosc.broker.model.Resources> out = new java.util.HashMap<>();
    for (Session s : sessions.values()) {
      if (s.state().active()) {
        s.cluster().ifPresent(c -> out.merge(c, s.resources(), eu.panosc.broker.model.Resources::plus));
      }
    }
    return Future.succeededFuture(out);
  }

  /** Leadership within one process: the first caller leads until it releases. */
  @Override
  public synchronized Future<Optional<Session>> reserve(String id, String cluster,
      eu.panosc.broker.model.Resources capacity, UnaryOperator<Session> placed) {
    Session current = sessions.get(id);
    if (current == null) {
      return Future.succeededFuture(Optional.empty());
    }
    eu.panosc.broker.model.Resources used = eu.panosc.broker.model.Resources.NONE;
    for (Session s : sessions.values()) {
      if (!s.id().equals(id) && s.state().active() && s.cluster().equals(Optional.of(cluster))) {
        used = used.plus(s.resources());
      }
    }
    if (!Quotas.fits(used, current.resources(), capacity)) {
      return Future.succeededFuture(Optional.empty());
    }
    Session next = placed.apply(current);
    if (!next.id().equals(id) || !next.cluster().equals(Optional.of(cluster))) {
      return Future.failedFuture(new IllegalArgumentException("a reservation must place the session on " + cluster));
    }
    next = next.activeAt(current.lastActivity());
    sessions.put(id, next);
    return Future.succeededFuture(Optional.of(next));
  }

  /**
   * A new replica's leadership of this store: of the locks of one store one leads at a time (until it releases); locks
   * of different stores never contend.
   */
  public Lock lock() {
    return new Lock(leadership);
  }

  /** Which lock of one store leads (null: none); its monitor guards it. */
  private static final class Leadership {
    private Lock holder;
  }

  /** {@link eu.panosc.platform.leader.LeaderLock} among the replicas sharing one {@link InMemoryBrokerStore} (see {@link #lock()}). */
  public static final class Lock implements eu.panosc.platform.leader.LeaderLock {
    private final Leadership leadership;

    private Lock(Leadership leadership) {
      this.leadership = leadership;
    }

    @Override
    public Future<Boolean> tryLead() {
      synchronized (leadership) {
        if (leadership.holder == null) {
          leadership.holder = this;
        }
        return Future.succeededFuture(leadership.holder == this);
      }
    }

    @Override
    public Future<Void> release() {
      synchronized (leadership) {
        if (leadership.holder == this) {
          leadership.holder = null;
        }
      }
      return Future.succeededFuture();
    }
  }
}
