package eu.panosc.platform.leader;

import eu.panosc.platform.config.LeaderConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The singletons of one service under the configured kind of {@link LeaderConfig}: with {@code lease} each singleton
 * has its own Kubernetes Lease, {@code <leaseName>-<service>-<singleton>} in the configured namespace; with
 * {@code postgres} all singletons of the service share one advisory lock named {@code <service>.leader} (a held lock
 * keeps one connection out of the service's small pool, so one per service, not one per singleton), given up by
 * {@link #close}. This replica's identity is the configured one
 * or the {@code HOSTNAME} (the pod's name), plus a random suffix so two processes on one host differ.
 */
public final class Leadership {
  private static final String NAME = "[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?";

  private final Vertx vertx;
  private final LeaderConfig config;
  private final Pool pool;
  private final MeterRegistry meters;
  private final String service;
  private final String identity;
  private final Function<LeaderConfig, KubernetesClient> clients;
  private final Map<String, Singleton> singletons = new LinkedHashMap<>();
  private final boolean ownsClient;
  private KubernetesClient client;
  private PgLeaderLock shared;

  Leadership(Vertx vertx, LeaderConfig config, Pool pool, MeterRegistry meters, String service,
      Function<LeaderConfig, KubernetesClient> clients, boolean ownsClient) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.service = Objects.requireNonNull(service, "service");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.ownsClient = ownsClient;
    this.identity = config.identity().or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
        .filter(s -> !s.isBlank()).orElse(service) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** In-cluster credentials (the pod's ServiceAccount token) when the kind is {@code lease}. */
  public static Leadership create(Vertx vertx, LeaderConfig config, Pool pool, MeterRegistry meters, String service) {
    return new Leadership(vertx, config, pool, meters, service, c -> new KubernetesClientBuilder()
        .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build(), true);
  }

  /** With a given API client (tests: a mock API server), which {@link #close} leaves open. */
  public static Leadership withClient(Vertx vertx, LeaderConfig config, Pool pool, MeterRegistry meters,
      String service, KubernetesClient client) {
    return new Leadership(vertx, config, pool, meters, service, c -> client, false);
  }

  /** The Lease name of {@code singleton} for {@code service} under {@code config}. */
  public static String leaseName(LeaderConfig config, String service, String singleton) {
    return config.leaseName() + "-" + service + "-" + singleton;
  }

  public String identity() {
    return identity;
  }

  /**
   * The singleton {@code name} (lower-case letters, digits, '-', at most 22 characters), created on first use.
   */
  public synchronized Singleton singleton(String name) {
    if (!name.matches(NAME)) {
      throw new IllegalArgumentException("a singleton's name is a short DNS label, got '" + name + "'");
    }
    return singletons.computeIfAbsent(name, n -> new Singleton(service, n, identity, lock(n), meters));
  }

  private LeaderLock lock(String name) {
    return switch (config.kind()) {
      case POSTGRES -> {
        if (shared == null) {
          shared = new PgLeaderLock(pool, service + ".leader");
        }
        PgLeaderLock l = shared;
        yield new LeaderLock() {
          @Override
          public Future<Boolean> tryLead() {
            return l.tryLead();
          }

          @Override
          public Future<Void> release() {
            // shared by the service's singletons: given up once, by close()
            return Future.succeededFuture();
          }
        };
      }
      case LEASE -> {
        if (client == null) {
          client = clients.apply(config);
        }
        yield new LeaseLeaderLock(vertx, client, config.namespace().orElseThrow(), leaseName(config, service, name),
            identity, config.leaseDuration(), config.renewDeadline(), config.retryPeriod());
      }
    };
  }

  /** Releases every singleton (another replica takes over at once), then closes the API client if any. */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    KubernetesClient c;
    synchronized (this) {
      singletons.values().forEach(s -> all.add(s.release()));
      if (shared != null) {
        all.add(shared.release());
      }
      c = client;
      client = null;
    }
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty().onComplete(x -> {
      if (c != null && ownsClient) {
        c.close();
      }
    });
  }
}
