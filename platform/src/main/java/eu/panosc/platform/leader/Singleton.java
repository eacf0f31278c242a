package eu.panosc.platform.leader;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One singleton of one service (e.g. {@code registry}/{@code key-rotation}): runs a job only while this replica
 * holds its {@link LeaderLock}. Each change of leadership is logged once (service, singleton, this replica's
 * identity; never a credential) and exported as the gauge {@code panosc_platform_leader{service,singleton}} (1 leading, 0
 * not). A lock that cannot be asked (database or API server unreachable) counts as not leading: a replica must not
 * act while another may.
 */
public final class Singleton implements LeaderLock {
  private static final Logger LOG = LoggerFactory.getLogger(Singleton.class);

  private final String service;
  private final String name;
  private final String identity;
  private final LeaderLock lock;
  private final AtomicInteger leading = new AtomicInteger();
  private Boolean last;
  private volatile boolean unreachable;

  public Singleton(String service, String name, String identity, LeaderLock lock, MeterRegistry meters) {
    this.service = Objects.requireNonNull(service, "service");
    this.name = Objects.requireNonNull(name, "name");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.lock = Objects.requireNonNull(lock, "lock");
    meters.gauge("panosc_platform_leader", Tags.of("service", service, "singleton", name), leading);
  }

  public String service() {
    return service;
  }

  public String name() {
    return name;
  }

  /** Same as {@link #lead}: a singleton can stand wherever a {@link LeaderLock} is expected. */
  @Override
  public Future<Boolean> tryLead() {
    return lead();
  }

  /** Whether this replica leads now (taking the lock if free); never fails. */
  public Future<Boolean> lead() {
    Future<Boolean> asked;
    try {
      asked = lock.tryLead();
    } catch (RuntimeException e) {
      asked = Future.failedFuture(e);
    }
    return asked.map(now -> {
      unreachable = false;
      return now;
    }).recover(e -> {
      if (!unreachable) {
        // once until it can be asked again (jobs tick every second)
        LOG.warn("{}/{}: cannot ask for leadership ({}); not leading", service, name, e.getMessage());
      }
      unreachable = true;
      return Future.succeededFuture(false);
    }).map(now -> {
      changed(now);
      return now;
    });
  }

  /**
   * Runs {@code job} if this replica leads, else nothing: the job's result, or empty when another replica leads.
   * A failing job fails the returned future; leadership is kept.
   */
  public <T> Future<Optional<T>> ifLeader(Supplier<Future<T>> job) {
    return lead().compose(now -> now ? job.get().map(Optional::ofNullable) : Future.succeededFuture(Optional.empty()));
  }

  /**
   * Runs {@code leader} if this replica leads, else {@code follower}: for jobs whose followers still have work, e.g.
   * key rotation, where the leader generates keys and the others reload them.
   */
  public <T> Future<T> either(Supplier<Future<T>> leader, Supplier<Future<T>> follower) {
    return lead().compose(now -> now ? leader.get() : follower.get());
  }

  /** Gives leadership up (at shutdown), so another replica takes over without waiting for a timeout. */
  @Override
  public Future<Void> release() {
    return lock.release().onComplete(x -> changed(false)).otherwiseEmpty();
  }

  private synchronized void changed(boolean now) {
    leading.set(now ? 1 : 0);
    if (last == null ? now : last != now) {
      LOG.info("{}/{}: {} {}", service, name, identity, now ? "leads" : "no longer leads");
    }
    last = now;
  }
}
