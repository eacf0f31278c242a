package eu.panosc.pdp.store;

import eu.panosc.pdp.model.Change;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's {@link RelationCache} at the newest committed change batch: it replays the
 * {@link ChangeLog} in sequence order, one batch after the other, whoever wrote them. Triggers: this
 * replica's own writes ({@link #committed}), notifications ({@link #announced}, via
 * {@link ChangeListener}), a periodic poll of the log's head (so a lost notification costs at most one
 * poll interval) and callers waiting for a consistency token ({@link #await}). When the log no longer
 * holds the batches this replica misses (pruned while it was away), the whole cache is reloaded from a
 * snapshot taken at a known sequence number.
 *
 * <p>It never stalls on a batch it cannot apply (a stored change that fails the input rule, or one the cache
 * refuses): the cache is suspended at once (decisions deny rather than come from a view that missed a write),
 * the fault is logged and counted ({@link #METER_APPLY_FAILURES}), and the whole cache is reloaded from a
 * snapshot, which lands after the bad batch. Until a reload succeeds the replica is not ready
 * ({@link #problem}, reported by {@code /health/ready}) and keeps trying every poll. Rows a snapshot cannot
 * read, and datasets that contradict their proposal, are left out of the cache, logged and counted
 * ({@link #METER_UNLOADABLE}); decisions about them deny.
 *
 * <p>Thread-safe: writes of several event loops and the listener's notifications may arrive at once;
 * one catch-up runs at a time, and waiters are completed on their own context.
 */
public final class CacheFollower implements AppliedChanges {
  public static final String METER_SEQ = "panosc_pdp_change_seq";
  public static final String METER_CATCHUPS = "panosc_pdp_change_catchups_total";
  public static final String METER_RELOADS = "panosc_pdp_cache_reloads_total";
  /** Change batches this replica could not apply (each followed by a whole reload). */
  public static final String METER_APPLY_FAILURES = "panosc_pdp_change_apply_failures_total";
  /** Stored rows the cache leaves out (unreadable at the last load, or held back as inconsistent): denied. */
  public static final String METER_UNLOADABLE = "panosc_pdp_cache_unloadable_rows";
  /** Unreadable rows logged one by one per load; the rest are counted only. */
  private static final int LOGGED_ROWS = 20;
  /** Log entries read per round trip (each holds up to one ingest batch). */
  static final int BATCH = 20;
  /** How long a write waits for the cache to reach its own batch before answering anyway. */
  static final Duration WRITE_WAIT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(CacheFollower.class);

  private final Vertx vertx;
  private final RelationCache cache;
  private final PgPdpStore store;
  private final ChangeLog log;
  private final MeterRegistry meters;
  private final Map<String, Counter> catchups = new ConcurrentHashMap<>();
  private final Counter reloads;
  private final Counter applyFailures;
  private volatile int unreadable;
  /** Set when a batch could not be applied: the next catch-up reloads the whole cache. */
  private boolean reloadNeeded;
  /** Why this replica is not ready (a reload it needs failed), or null. */
  private volatile String problem;

  private long applied;
  private boolean running;
  private boolean again;
  private final TreeMap<Long, List<Waiter>> waiters = new TreeMap<>();
  private final List<Long> timers = new ArrayList<>();
  private ChangeListener listener;
  private eu.panosc.platform.leader.Singleton pruneLeader;

  private record Waiter(Context context, Promise<Boolean> promise) {}

  public CacheFollower(Vertx vertx, RelationCache cache, PgPdpStore store, ChangeLog log, MeterRegistry meters) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.store = Objects.requireNonNull(store, "store");
    this.log = Objects.requireNonNull(log, "log");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.reloads = meters.counter(METER_RELOADS);
    this.applyFailures = Counter.builder(METER_APPLY_FAILURES)
        .description("change batches this replica could not apply; each makes it reload the whole cache")
        .register(meters);
    Gauge.builder(METER_SEQ, this, CacheFollower::applied)
        .description("the newest change batch this replica's relation cache holds").register(meters);
    Gauge.builder(METER_UNLOADABLE, this, f -> f.unreadable + f.cache.heldBack())
        .description("stored rows left out of the relation cache (unreadable, or a dataset contradicting its "
            + "proposal); decisions about them deny").register(meters);
  }

  /** The number of the newest batch the cache holds. */
  @Override
  public synchronized long applied() {
    return applied;
  }

  /**
   * Loads the cache, then follows the log: notifications through {@code listener} (may be null, then only
   * the poll), a poll of the log's head every {@code poll}, pruning of entries older than {@code retention}.
   */
  public Future<Void> start(ChangeListener listener, Duration poll, Duration retention) {
    return start(listener, poll, retention, null);
  }

  /** As {@link #start(ChangeListener, Duration, Duration)}, pruning only on the replica leading {@code pruneLeader}. */
  public Future<Void> start(ChangeListener listener, Duration poll, Duration retention,
      eu.panosc.platform.leader.Singleton pruneLeader) {
    this.pruneLeader = pruneLeader;
    return reload().onSuccess(v -> {
      synchronized (this) {
        this.listener = listener;
        timers.add(vertx.setPeriodic(poll.toMillis(), id -> poll()));
        long pruneEvery = Math.max(1000, Math.min(retention.toMillis(), Duration.ofMinutes(1).toMillis()));
        timers.add(vertx.setPeriodic(pruneEvery, id -> (pruneLeader == null ? log.prune(retention)
            : pruneLeader.ifLeader(() -> log.prune(retention)))
            .onFailure(e -> LOG.warn("pruning the change log failed: {}", e.toString()))));
      }
      if (listener != null) {
        listener.start();
      }
    });
  }

  /** Stops the timers and the listener; waiting callers run into their timeout. */
  public Future<Void> stop() {
    ChangeListener l;
    synchronized (this) {
      timers.forEach(vertx::cancelTimer);
      timers.clear();
      l = listener;
      listener = null;
    }
    return l == null ? Future.succeededFuture() : l.stop();
  }

  /** Why this replica cannot be trusted to decide (it failed to reload after a bad batch), or null when ready. */
  public String problem() {
    return problem;
  }

  /**
   * Replaces the whole cache with a snapshot and its sequence number. Rows the snapshot could not read are
   * logged (entity, key and reason; never other values) and counted; they are left out, so decisions deny.
   */
  public Future<Void> reload() {
    return store.snapshotAt().map(v -> {
      boolean loaded = false;
      synchronized (this) {
        if (v.seq() >= applied) {
          cache.load(v.snapshot());
          applied = v.seq();
          reloadNeeded = false;
          problem = null;
          loaded = true;
        }
      }
      if (loaded) {
        report(v.unreadable());
      }
      reloads.increment();
      release();
      return null;
    });
  }

  private void report(List<PgPdpStore.Unreadable> rows) {
    unreadable = rows.size();
    for (int i = 0; i < rows.size() && i < LOGGED_ROWS; i++) {
      PgPdpStore.Unreadable u = rows.get(i);
      LOG.error("stored {} '{}' cannot be loaded ({}); it is left out and decisions about it deny until it is "
          + "written again", u.entity(), u.key(), u.reason());
    }
    if (rows.size() > LOGGED_ROWS) {
      LOG.error("{} more stored rows cannot be loaded (see {})", rows.size() - LOGGED_ROWS, METER_UNLOADABLE);
    }
    int held = cache.heldBack();
    if (held > 0) {
      LOG.error("{} datasets contradict or lack their proposal or facility; they are left out and decisions about "
          + "them deny until they are written again consistently", held);
    }
  }

  /**
   * A batch could not be applied: suspends the cache (decisions deny), logs and counts it, and makes the next
   * catch-up reload everything. Call holding this object's lock.
   */
  private void failed(long seq, String reason) {
    reloadNeeded = true;
    cache.suspend("change batch " + seq + " could not be applied");
    applyFailures.increment();
    LOG.error("change batch {} cannot be applied ({}); reloading the whole cache", seq, reason);
  }

  /**
   * This replica committed {@code changes} as batch {@code seq}: applied at once when it is the next one,
   * else after catching up with the batches before it. Completes with {@code seq} once the cache holds it
   * (or after {@link #WRITE_WAIT}: the write is committed either way).
   */
  public Future<Long> committed(long seq, List<Change> changes) {
    boolean direct;
    synchronized (this) {
      direct = !running && !reloadNeeded && seq == applied + 1;
      if (direct) {
        try {
          cache.applied(changes);
          applied = seq;
        } catch (RuntimeException e) {
          failed(seq, e.getClass().getSimpleName());
          direct = false;
        }
      }
    }
    if (direct) {
      release();
      return Future.succeededFuture(seq);
    }
    return await(seq, WRITE_WAIT, "write").map(seq);
  }

  /** A notification said batch {@code seq} is committed. */
  public void announced(long seq) {
    synchronized (this) {
      if (seq <= applied) {
        return;
      }
    }
    catchUp("notify");
  }

  /** Compares the log's head with the cache, catching up when behind. */
  public void poll() {
    log.head().onSuccess(head -> {
      synchronized (this) {
        if (head <= applied && !reloadNeeded) {
          return;
        }
      }
      catchUp("poll");
    }).onFailure(e -> LOG.debug("change log poll failed: {}", e.toString()));
  }

  /**
   * Completes with true as soon as the cache holds batch {@code seq} (at once when it already does), with
   * false after {@code timeout}. Starts a catch-up when behind, so it does not depend on a notification.
   */
  @Override
  public Future<Boolean> await(long seq, Duration timeout) {
    return await(seq, timeout, "token");
  }

  private Future<Boolean> await(long seq, Duration timeout, String trigger) {
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> promise = Promise.promise();
    Waiter waiter = new Waiter(context, promise);
    synchronized (this) {
      if (applied >= seq) {
        return Future.succeededFuture(true);
      }
      waiters.computeIfAbsent(seq, k -> new ArrayList<>()).add(waiter);
    }
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> {
      synchronized (this) {
        List<Waiter> list = waiters.get(seq);
        if (list != null) {
          list.remove(waiter);
          if (list.isEmpty()) {
            waiters.remove(seq);
          }
        }
      }
      context.runOnContext(v -> promise.tryComplete(false));
    });
    catchUp(trigger);
    return promise.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Completes the waiters the cache has reached, each on its own context. */
  private void release() {
    List<Waiter> done = new ArrayList<>();
    synchronized (this) {
      var reached = waiters.headMap(applied, true);
      reached.values().forEach(done::addAll);
      reached.clear();
    }
    done.forEach(w -> w.context().runOnContext(v -> w.promise().tryComplete(true)));
  }

  /** Runs one catch-up at a time; a trigger during a run makes it run once more. */
  public void catchUp(String trigger) {
    synchronized (this) {
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
    }
    catchups.computeIfAbsent(trigger, t -> meters.counter(METER_CATCHUPS, "trigger", t)).increment();
    step().onComplete(ar -> {
      boolean repeat;
      synchronized (this) {
        running = false;
        repeat = ar.succeeded() && (again || ar.result());
      }
      if (ar.failed()) {
        boolean broken;
        synchronized (this) {
          broken = reloadNeeded;
          if (broken) {
            problem = "the relation cache could not be reloaded after a change batch it could not apply";
          }
        }
        if (broken) {
          LOG.error("{} (the next poll tries again; until then this replica is not ready and denies): {}",
              problem, ar.cause().toString());
        } else {
          LOG.warn("catching up with the change log failed (the next poll tries again): {}", ar.cause().toString());
        }
      }
      if (repeat) {
        catchUp("more");
      }
    });
  }

  /**
   * Reads the head, then the batches after the cache's; true when there is more to read. The head is read
   * first: every batch up to a visible head is visible too (numbers follow commit order), so a missing
   * batch means it was pruned, and the cache is reloaded.
   */
  private Future<Boolean> step() {
    long from;
    synchronized (this) {
      if (reloadNeeded) {
        return reload().map(false);
      }
      from = applied;
    }
    return log.head().compose(head -> {
      if (head <= from) {
        return Future.succeededFuture(false);
      }
      return log.after(from, BATCH).compose(entries -> {
        if (entries.isEmpty() || entries.get(0).seq() != from + 1) {
          LOG.warn("the change log no longer holds batch {} (pruned); reloading the whole cache", from + 1);
          return reload().map(false);
        }
        long reached;
        boolean reload = false;
        synchronized (this) {
          for (ChangeLog.Entry e : entries) {
            if (e.seq() <= applied) {
              continue;
            }
            if (e.seq() != applied + 1) {
              break;
            }
            if (e.problem() != null) {
              failed(e.seq(), e.problem());
              reload = true;
              break;
            }
            try {
              cache.applied(e.changes());
            } catch (RuntimeException ex) {
              failed(e.seq(), ex.getClass().getSimpleName());
              reload = true;
              break;
            }
            applied = e.seq();
          }
          reached = applied;
        }
        if (reload) {
          return reload().map(false);
        }
        release();
        return Future.succeededFuture(reached < head || entries.size() == BATCH);
      });
    });
  }
}
