package eu.panosc.platform.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP listener.
 *
 * @param host interface to bind
 * @param port TCP port; 0 picks a free one (tests)
 * @param publicBaseUrl the URL clients use to reach this deployment, without a trailing slash;
 *     defaults to {@code http://localhost:<port>}
 * @param shutdownGrace how long in-flight requests may take to finish on SIGTERM
 * @param drainDelay how long to keep serving with readiness already false before the listener closes,
 *     so that load balancers stop sending traffic first (e.g. 5s on Kubernetes; default 0s)
 * @param eventLoops how many event loops serve HTTP (servers sharing the port); default: the CPU count
 */
public record ServerConfig(String host, int port, URI publicBaseUrl, Duration shutdownGrace, Duration drainDelay,
    int eventLoops) {
  public static final int DEFAULT_PORT = 8080;

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(drainDelay, "drainDelay");
  }

  static ServerConfig from(ConfigNode n) {
    String host = n.string("host", "0.0.0.0");
    int port = n.integer("port", DEFAULT_PORT, 0, 65535);
    URI base = n.optionalUri("publicBaseUrl", Set.of("http", "https"))
        .map(u -> URI.create(u.toString().replaceAll("/+$", "")))
        .orElse(null);
    Duration grace = n.duration("shutdownGrace", Duration.ofSeconds(20));
    if (grace.isNegative() || grace.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException(n.keyOf("shutdownGrace"), "expected a duration between 0s and 10m");
    }
    Duration drain = n.duration("drainDelay", Duration.ZERO);
    if (drain.isNegative() || drain.compareTo(Duration.ofMinutes(2)) > 0) {
      throw new ConfigException(n.keyOf("drainDelay"), "expected a duration between 0s and 2m");
    }
    int loops = n.integer("eventLoops", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64);
    return new ServerConfig(host, port, base, grace, drain, loops);
  }

  /** The public base URL, once the actual port is known. */
  public URI baseUrl(int actualPort) {
    return publicBaseUrl != null ? publicBaseUrl : URI.create("http://localhost:" + actualPort);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, publicBaseUrl, shutdownGrace, drainDelay, eventLoops);
  }
}
