package eu.panosc.aai.account;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.config.DatabaseConfig;
import eu.panosc.platform.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V31 on a database of users from before linking (keyed one identity per user): every existing user gets their one
 * identity (their own id, the upstream unknown, their name and login times), so they keep their id and pairwise
 * subjects, and their sessions and consents stay theirs.
 */
class UserIdentityMigrationIT {
  @TempDir
  Path dataDir;

  @Test
  void migrateWhenUsersExistThenEachHasTheirOwnIdAsTheirOneIdentity() {
    try (Database db = Database.open(new DatabaseConfig(Optional.empty(), 2, 0, Duration.ofSeconds(5)), dataDir)) {
      var t = db.target();
      Flyway.configure(getClass().getClassLoader())
          .dataSource(t.jdbcUrl(), t.user(), t.password() == null ? null : t.password().value())
          .schemas("aai").defaultSchema("aai").createSchemas(true).locations("classpath:db/aai").target("27")
          .load().migrate();
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = db.pool(vertx, "aai");
        pool.query("INSERT INTO app_user (id, attributes, first_login, last_login) VALUES"
            + " ('alice@demo.panosc.eu', '{\"name\": \"Alice Martin\"}', '2030-01-01T10:00:00Z', '2030-02-01T10:00:00Z'),"
            + " ('https://idp.example.org!abc', '{}', '2030-01-05T10:00:00Z', '2030-01-05T10:00:00Z')").execute().await();
        pool.close().await();

        assertThat(Integer.parseInt(db.migrate("aai"))).isGreaterThanOrEqualTo(31);

        Pool after = db.pool(vertx, "aai");
        List<Row> rows = new ArrayList<>();
        after.query("SELECT subject, user_id, upstream, display_name, linked_at, last_login FROM user_identity"
            + " ORDER BY subject").execute().await().forEach(rows::add);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getString(0)).isEqualTo("alice@demo.panosc.eu");
        assertThat(rows.get(0).getString(1)).isEqualTo("alice@demo.panosc.eu");
        assertThat(rows.get(0).getString(2)).isNull();
        assertThat(rows.get(0).getString(3)).isEqualTo("Alice Martin");
        assertThat(rows.get(0).getOffsetDateTime(4).toInstant().toString()).isEqualTo("2030-01-01T10:00:00Z");
        assertThat(rows.get(0).getOffsetDateTime(5).toInstant().toString()).isEqualTo("2030-02-01T10:00:00Z");
        assertThat(rows.get(1).getString(0)).isEqualTo("https://idp.example.org!abc");
        assertThat(rows.get(1).getString(3)).isNull();
        assertThat(new PgIdentities(after, java.time.Clock.systemUTC()).owner("https://idp.example.org!abc").await())
            .contains("https://idp.example.org!abc");
        after.close().await();
      } finally {
        vertx.close().await();
      }
    }
  }
}
