package eu.panosc.platform.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Which PostgreSQL to use. Without {@code url} the platform starts embedded PostgreSQL binaries
 * with their data under {@code <dataDir>/postgres}, kept across restarts.
 *
 * @param url {@code postgresql://user:password@host:port/database} of an external server, or empty
 * @param poolSize connections per service pool
 * @param embeddedPort the embedded server's port; 0 picks a free port once and remembers it
 * @param connectTimeout how long a connection attempt may take before the database counts as down
 */
public record DatabaseConfig(
    Optional<Secret> url, int poolSize, int embeddedPort, Duration connectTimeout) {

  static DatabaseConfig from(ConfigNode n) {
    Optional<Secret> url = n.optionalString("url").map(s -> {
      if (!s.startsWith("postgresql://") && !s.startsWith("postgres://")) {
        throw new ConfigException(n.keyOf("url"),
            "expected postgresql://user:password@host:port/database (the URL is not shown here)");
      }
      try {
        io.vertx.pgclient.PgConnectOptions.fromUri(s);
      } catch (RuntimeException e) {
        throw new ConfigException(n.keyOf("url"), "is not a valid postgresql:// URL (the URL is not shown here)");
      }
      return new Secret(s);
    });
    int poolSize = n.integer("poolSize", 4, 1, 64);
    int port = n.integer("embeddedPort", 0, 0, 65535);
    Duration timeout = n.duration("connectTimeout", Duration.ofSeconds(5));
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigException(n.keyOf("connectTimeout"), "expected a positive duration such as 5s");
    }
    return new DatabaseConfig(url, poolSize, port, timeout);
  }

  public boolean embedded() {
    return url.isEmpty();
  }
}
