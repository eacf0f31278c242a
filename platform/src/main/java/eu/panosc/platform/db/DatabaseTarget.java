package eu.panosc.platform.db;

import eu.panosc.platform.config.Secret;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.Map;
import java.util.Objects;

/**
 * Where a PostgreSQL server is and how to log in. {@link #toString()} never shows the password.
 */
public record DatabaseTarget(String host, int port, String database, String user, Secret password, SslMode sslMode) {
  public DatabaseTarget {
    Objects.requireNonNull(sslMode, "sslMode");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
  }

  /** A local server without TLS (the embedded one). */
  public static DatabaseTarget local(int port) {
    return new DatabaseTarget("127.0.0.1", port, "postgres", "postgres", null, SslMode.DISABLE);
  }

  /** Parses {@code postgresql://user:password@host:port/database[?sslmode=require]}. */
  public static DatabaseTarget fromUrl(Secret url) {
    PgConnectOptions o;
    try {
      o = PgConnectOptions.fromUri(url.value());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("database.url is not a valid postgresql:// URL");
    }
    return new DatabaseTarget(o.getHost(), o.getPort(), o.getDatabase() == null ? "postgres" : o.getDatabase(),
        o.getUser() == null ? "postgres" : o.getUser(), o.getPassword() == null ? null : new Secret(o.getPassword()),
        o.getSslMode() == null ? SslMode.DISABLE : o.getSslMode());
  }

  /** Connect options whose sessions resolve unqualified names in {@code schema}. */
  public PgConnectOptions connectOptions(String schema) {
    PgConnectOptions o = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user)
        .setReconnectAttempts(0)
        .setSslMode(sslMode)
        .setProperties(Map.of("search_path", schema, "application_name", "panosc-" + schema));
    if (password != null) {
      o.setPassword(password.value());
    }
    return o;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database
        + (sslMode == SslMode.DISABLE ? "" : "?sslmode=" + sslMode.value);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
