package eu.panosc.broker.clusters;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code services.broker.clusterRegistry}: read clusters from the federation-registry (absent: only configured
 * clusters). Exactly one way to resolve {@code credentialsRef}: {@code credentialsDirectory} (mounted files
 * {@code <dir>/<name>/token}) or {@code credentialsNamespace} (Secrets read through the in-cluster Kubernetes API).
 *
 * @param registry the registry's base URL (default {@code <public URL>/registry})
 * @param namespace where sessions of registry clusters run
 * @param credentialsDirectory where mounted credentials lie
 * @param credentialsNamespace where the credentials' Secrets lie
 * @param refresh how often the list is read again besides the change feed
 */
public record RegistrySettings(URI registry, String namespace, Optional<Path> credentialsDirectory,
    Optional<String> credentialsNamespace, Duration refresh) {
  public RegistrySettings {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(credentialsDirectory, "credentialsDirectory");
    Objects.requireNonNull(credentialsNamespace, "credentialsNamespace");
    Objects.requireNonNull(refresh, "refresh");
  }

  /** Parses the section (present), naming a bad key. */
  public static RegistrySettings from(ConfigNode n, URI publicRoot) {
    URI registry = n.optionalUri("url", Set.of("http", "https"))
        .orElseGet(() -> URI.create(publicRoot.toString().replaceAll("/+$", "") + "/registry"));
    String namespace = n.string("namespace", "panosc-sessions");
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new ConfigException(n.path() + ".namespace", "must be a Kubernetes namespace name (a DNS label)");
    }
    Optional<Path> dir = n.optionalString("credentialsDirectory").map(Path::of);
    Optional<String> ns = n.optionalString("credentialsNamespace");
    if (dir.isPresent() == ns.isPresent()) {
      throw new ConfigException(n.path() + ".credentialsDirectory", "set exactly one of credentialsDirectory "
          + "(mounted Secrets: <dir>/<name>/token) and credentialsNamespace (Secrets read through the Kubernetes API)");
    }
    if (ns.isPresent() && !ns.get().matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new ConfigException(n.path() + ".credentialsNamespace", "must be a Kubernetes namespace name");
    }
    Duration refresh = n.duration("refresh", Duration.ofMinutes(5));
    if (refresh.toSeconds() < 1) {
      throw new ConfigException(n.path() + ".refresh", "expected at least 1s, such as 5m");
    }
    n.rejectUnknownKeys();
    return new RegistrySettings(registry, namespace, dir, ns, refresh);
  }
}
