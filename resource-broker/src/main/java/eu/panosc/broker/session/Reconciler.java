package eu.panosc.broker.session;

import eu.panosc.broker.model.Session;
import eu.panosc.platform.leader.LeaderLock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores truth between the store and the clusters, on one replica at a time ({@link LeaderLock}): probes every
 * cluster, removes sessions the clusters run but the broker does not know (orphans), and advances every active
 * session one step ({@link SessionService#advance}): placed, started, RUNNING once ready, FAILED when its pod
 * vanished, stopped when its lifetime ended. Runs every {@code interval}; one pass at a time.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Vertx vertx;
  private final SessionService sessions;
  private final LeaderLock lock;
  private final Duration interval;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;
  /** Runs first in every pass this replica leads (the idle culler), so under the same leadership. */
  private volatile java.util.function.Supplier<Future<?>> first = Future::succeededFuture;

  /** What one pass did; {@code led} false when another replica leads. */
  public record Pass(boolean led, int orphansRemoved, int sessionsAdvanced) {}

  public Reconciler(Vertx vertx, SessionService sessions, LeaderLock lock, Duration interval) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.lock = Objects.requireNonNull(lock, "lock");
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  /** Runs {@code step} first in every pass this replica leads; a failure is logged and the pass goes on. */
  public Reconciler beforeEachPass(java.util.function.Supplier<Future<?>> step) {
    this.first = Objects.requireNonNull(step, "step");
    return this;
  }

  public void start() {
    timer = vertx.setPeriodic(0, interval.toMillis(), t -> {
      if (running.compareAndSet(false, true)) {
        pass().onComplete(ar -> {
          running.set(false);
          if (ar.failed()) {
            LOG.warn("reconciliation pass failed: {}", ar.cause().getMessage());
          }
        });
      }
    });
  }

  /** One pass (also for tests): does nothing unless this replica leads. */
  public Future<Pass> pass() {
    return lock.tryLead().compose(leads -> {
      if (!leads) {
        return Future.succeededFuture(new Pass(false, 0, 0));
      }
      return first.get().<Object>map(x -> x).recover(e -> {
        LOG.warn("reconciliation: the first step failed: {}", e.getMessage());
        return Future.succeededFuture();
      }).compose(x -> sessions.probeClusters()).compose(h -> sessions.removeOrphans()).compose(orphans -> sessions.active()
          .compose(active -> advanceAll(active).map(n -> new Pass(true, orphans, n))));
    });
  }

  private Future<Integer> advanceAll(List<Session> active) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (Session s : active) {
      chain = chain.compose(n -> sessions.advance(s.id()).transform(ar -> {
        if (ar.failed()) {
          LOG.warn("session {}: reconciliation failed: {}", s.id(), ar.cause().getMessage());
        }
        return Future.succeededFuture(n + 1);
      }));
    }
    return chain;
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return lock.release();
  }
}
