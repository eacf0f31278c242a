package eu.panosc.platform.leader;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership through a Kubernetes Lease ({@code coordination.k8s.io/v1}) held by Fabric8's {@code LeaderElector}:
 * the first {@link #tryLead} starts the election in the background; it answers whether this replica holds the Lease
 * now. The holder renews it every {@code retryPeriod}; a holder that cannot renew within {@code renewDeadline} stops
 * leading, and another replica takes the Lease once {@code leaseDuration} has passed without renewal. {@link #release}
 * gives the Lease up at once (release on cancel), so a replica shutting down hands over without waiting. Changes of
 * leadership are logged at debug here; {@link Singleton} logs them once at info.
 */
public final class LeaseLeaderLock implements LeaderLock {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeaderLock.class);

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final AtomicBoolean leading = new AtomicBoolean();
  private LeaderElector elector;
  private CompletableFuture<?> running;

  /**
   * @param name the Lease's name, e.g. {@code panosc-broker-reconciler}
   * @param identity this replica (its pod name), written into the Lease as holder
   */
  public LeaseLeaderLock(Vertx vertx, KubernetesClient client, String namespace, String name, String identity,
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
    this.renewDeadline = Objects.requireNonNull(renewDeadline, "renewDeadline");
    this.retryPeriod = Objects.requireNonNull(retryPeriod, "retryPeriod");
    if (leaseDuration.compareTo(renewDeadline) <= 0 || renewDeadline.toMillis() <= retryPeriod.toMillis() * 1.2) {
      throw new IllegalArgumentException("need leaseDuration > renewDeadline > 1.2 × retryPeriod");
    }
  }

  /** Kubernetes' own defaults: a 15 s lease, renewed within 10 s, retried every 2 s. */
  public static LeaseLeaderLock withDefaults(Vertx vertx, KubernetesClient client, String namespace, String name,
      String identity) {
    return new LeaseLeaderLock(vertx, client, namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }

  public String identity() {
    return identity;
  }

  /**
   * Whether this replica leads now: the elector says so and the Lease, read now, names this replica as holder and
   * was renewed within {@code leaseDuration}. A replica that cannot read the Lease (its API server unreachable) does
   * not lead: it must not act while another may have taken over. An election that ended (leadership lost, or the
   * elector failed) is started again.
   */
  @Override
  public Future<Boolean> tryLead() {
    synchronized (this) {
      if (running != null && running.isDone()) {
        leading.set(false);
        running = null;
      }
      if (running == null) {
        try {
          elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder().withName(name)
              .withLock(new LeaseLock(namespace, name, identity)).withLeaseDuration(leaseDuration)
              .withRenewDeadline(renewDeadline).withRetryPeriod(retryPeriod).withReleaseOnCancel(true)
              .withLeaderCallbacks(new LeaderCallbacks(() -> {
                leading.set(true);
                LOG.debug("{} leads (Lease {}/{})", identity, namespace, name);
              }, () -> {
                leading.set(false);
                LOG.debug("{} no longer leads (Lease {}/{})", identity, namespace, name);
              }, leader -> LOG.debug("Lease {}/{} is held by {}", namespace, name, leader))).build()).build();
          running = elector.start();
        } catch (RuntimeException e) {
          LOG.warn("{}: cannot take part in the election for Lease {}/{}: {}", identity, namespace, name,
              e.getMessage());
          return Future.succeededFuture(false);
        }
      }
    }
    if (!leading.get()) {
      return Future.succeededFuture(false);
    }
    return vertx.executeBlocking(() -> {
      Lease lease = client.leases().inNamespace(namespace).withName(name).get();
      if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())
          || lease.getSpec().getRenewTime() == null) {
        return false;
      }
      return lease.getSpec().getRenewTime().toInstant().plus(leaseDuration).isAfter(java.time.Instant.now());
    }, false).otherwise(e -> {
      LOG.warn("{}: cannot read Lease {}/{} ({}); not leading until it can", identity, namespace, name,
          e.getMessage());
      return false;
    });
  }

  @Override
  public Future<Void> release() {
    CompletableFuture<?> r;
    LeaderElector e;
    synchronized (this) {
      r = running;
      e = elector;
      running = null;
      elector = null;
    }
    if (r == null) {
      return Future.succeededFuture();
    }
    r.cancel(true);
    leading.set(false);
    // give the Lease up now (the elector does it on cancel too; a second release is harmless)
    return vertx.executeBlocking(() -> {
      e.release();
      return null;
    }, false).mapEmpty();
  }
}
