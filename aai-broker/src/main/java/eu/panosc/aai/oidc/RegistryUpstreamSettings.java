package eu.panosc.aai.oidc;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code services.aai.registryUpstreams}: the OpenID providers approved in the federation-registry as sign-in upstreams
 * (see {@link RegistryOidcUpstreams}).
 *
 * @param enabled whether they are used at all
 * @param credentialsDirectory where their client secrets lie ({@code secret/<name>} is
 *     {@code <dir>/<name>/clientSecret}); empty: only {@code private_key_jwt} OPs are usable
 * @param refresh how often the list is read again besides the registry's change feed
 */
public record RegistryUpstreamSettings(boolean enabled, Optional<Path> credentialsDirectory, Duration refresh) {
  public static final RegistryUpstreamSettings DEFAULT = new RegistryUpstreamSettings(true, Optional.empty(),
      Duration.ofMinutes(5));

  public RegistryUpstreamSettings {
    Objects.requireNonNull(credentialsDirectory, "credentialsDirectory");
    Objects.requireNonNull(refresh, "refresh");
  }

  /** Reads the section (absent: {@link #DEFAULT}), naming a bad or unknown key. */
  public static RegistryUpstreamSettings from(ConfigNode n) {
    Optional<Path> dir = n.optionalString("credentialsDirectory").map(Path::of);
    if (dir.isPresent() && !dir.get().isAbsolute()) {
      throw new ConfigException(n.path() + ".credentialsDirectory", "expected an absolute directory, got "
          + dir.get());
    }
    Duration refresh = n.duration("refresh", DEFAULT.refresh());
    if (refresh.compareTo(Duration.ofSeconds(10)) < 0 || refresh.compareTo(Duration.ofDays(1)) > 0) {
      throw new ConfigException(n.path() + ".refresh", "expected a duration from 10s to 1d, such as 5m");
    }
    boolean enabled = n.bool("enabled", true);
    n.rejectUnknownKeys();
    return new RegistryUpstreamSettings(enabled, dir, refresh);
  }
}
