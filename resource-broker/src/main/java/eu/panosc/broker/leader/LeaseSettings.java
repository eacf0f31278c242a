package eu.panosc.broker.leader;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code services.broker.leaderLease}: elect the replica running the reconciler and culler through a Kubernetes
 * Lease (the broker itself runs on Kubernetes, in-cluster credentials) instead of the PostgreSQL advisory lock.
 *
 * @param identity this replica; default the {@code HOSTNAME} environment variable (the pod's name)
 */
public record LeaseSettings(String namespace, String name, Optional<String> identity) {
  private static final String DNS = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

  public LeaseSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identity, "identity");
  }

  public static LeaseSettings from(ConfigNode n) {
    String ns = n.requiredString("namespace");
    if (!ns.matches(DNS)) {
      throw new ConfigException(n.path() + ".namespace", "must be a Kubernetes namespace name (a DNS label)");
    }
    String name = n.string("name", "panosc-broker-reconciler");
    if (!name.matches(DNS)) {
      throw new ConfigException(n.path() + ".name", "must be a Kubernetes object name (a DNS label)");
    }
    Optional<String> identity = n.optionalString("identity");
    n.rejectUnknownKeys();
    return new LeaseSettings(ns, name, identity);
  }
}
