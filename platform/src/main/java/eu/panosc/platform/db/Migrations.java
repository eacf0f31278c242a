package eu.panosc.platform.db;

import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway migrations of one service's own schema, from {@code classpath:db/<schema>}. Blocking.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** Applies pending migrations; returns the schema version afterwards. */
  public static String migrate(DatabaseTarget target, String schema) {
    Objects.requireNonNull(schema, "schema");
    Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(target.jdbcUrl(), target.user(), target.password() == null ? null : target.password().value())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/" + schema)
        .connectRetries(3)
        .failOnMissingLocations(false)
        .load();
    try {
      MigrateResult result = flyway.migrate();
      var current = flyway.info().current();
      String version = current == null || current.getVersion() == null ? "none" : current.getVersion().getVersion();
      LOG.info("schema {}: {} migration(s) applied, now at version {}", schema, result.migrationsExecuted, version);
      return version;
    } catch (FlywayException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      boolean unreachable = root instanceof java.net.ConnectException
          || root instanceof java.sql.SQLException sql && String.valueOf(sql.getSQLState()).startsWith("08");
      throw new DatabaseException(unreachable
          ? "database " + target + " is unreachable: " + firstLine(root.getMessage())
          : "migrating schema " + schema + " on " + target + " failed: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
