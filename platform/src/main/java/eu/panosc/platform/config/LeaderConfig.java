package eu.panosc.platform.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a service's replicas elect the one that runs its singletons (key rotation, feed import, purges, roll-ups,
 * the reconciler): the root section {@code leader}, which every service of the process shares (on Kubernetes each
 * Deployment has its own configuration file, so it is per service there).
 *
 * @param kind {@code postgres} (default: a session-level advisory lock, works anywhere the database does) or
 *     {@code lease} (a Kubernetes Lease per singleton, in-cluster credentials)
 * @param namespace the Leases' namespace; required for {@code lease}
 * @param leaseName prefix of the Lease names, {@code <leaseName>-<service>-<singleton>}; default {@code panosc}
 * @param identity this replica in the Lease; default the {@code HOSTNAME} (pod name); a random suffix is added
 * @param leaseDuration how long a Lease not renewed stays with its holder (default 15 s)
 * @param renewDeadline how long the holder tries to renew before it stops leading (default 10 s)
 * @param retryPeriod how often the holder renews and others try (default 2 s)
 */
public record LeaderConfig(Kind kind, Optional<String> namespace, String leaseName, Optional<String> identity,
    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
  /** Lease names are {@code <leaseName>-<service>-<singleton>}: a DNS subdomain; the prefix stays at most 50 characters (a release name). */
  private static final String PREFIX = "[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?";
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  /** Which election. */
  public enum Kind { POSTGRES, LEASE }

  public LeaderConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
  }

  /** The default outside Kubernetes: the PostgreSQL advisory lock. */
  public static LeaderConfig postgres() {
    return new LeaderConfig(Kind.POSTGRES, Optional.empty(), "panosc", Optional.empty(), Duration.ofSeconds(15),
        Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  static LeaderConfig from(ConfigNode n) {
    Kind kind = n.enumValue("kind", Kind.class, Kind.POSTGRES);
    Optional<String> namespace = n.optionalString("namespace");
    if (namespace.isPresent() && !namespace.get().matches(DNS_LABEL)) {
      throw new ConfigException(n.keyOf("namespace"), "must be a Kubernetes namespace name (a DNS label)");
    }
    if (kind == Kind.LEASE && namespace.isEmpty()) {
      throw new ConfigException(n.keyOf("namespace"), "is required when kind is lease");
    }
    String leaseName = n.string("leaseName", "panosc");
    if (!leaseName.matches(PREFIX)) {
      throw new ConfigException(n.keyOf("leaseName"),
          "must be lower-case letters, digits and '-', at most 50 characters, starting and ending alphanumeric");
    }
    Optional<String> identity = n.optionalString("identity");
    if (identity.isPresent() && (identity.get().length() > 200 || !identity.get().matches("[A-Za-z0-9._-]+"))) {
      throw new ConfigException(n.keyOf("identity"), "must be at most 200 letters, digits, '.', '_' or '-'");
    }
    Duration leaseDuration = n.duration("leaseDuration", Duration.ofSeconds(15));
    Duration renewDeadline = n.duration("renewDeadline", Duration.ofSeconds(10));
    Duration retryPeriod = n.duration("retryPeriod", Duration.ofSeconds(2));
    if (retryPeriod.toMillis() < 100) {
      throw new ConfigException(n.keyOf("retryPeriod"), "must be at least 100ms");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new ConfigException(n.keyOf("leaseDuration"), "must be longer than renewDeadline (" + renewDeadline + ")");
    }
    if (renewDeadline.toMillis() <= retryPeriod.toMillis() * 1.2) {
      throw new ConfigException(n.keyOf("renewDeadline"), "must be longer than 1.2 × retryPeriod (" + retryPeriod
          + ")");
    }
    return new LeaderConfig(kind, namespace, leaseName, identity, leaseDuration, renewDeadline, retryPeriod);
  }
}
