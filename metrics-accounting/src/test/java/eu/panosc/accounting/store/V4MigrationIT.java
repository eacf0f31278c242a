package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.db.Database;
import eu.panosc.platform.config.DatabaseConfig;
import eu.panosc.platform.db.DatabaseTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V4 on a database at V3 holding rollups: the month user sets per report grouping and their counts are
 * filled from the existing {@code rollup_user} rows (users with no live record left out), and the journal starts
 * empty.
 */
class V4MigrationIT {
  @Test
  void migrateWhenRollupsExistThenGroupUserCountsFilledExactly() throws Exception {
    Path dir = Files.createTempDirectory("panosc-v4");
    try (Database db = Database.open(new DatabaseConfig(Optional.empty(), 2, 0, Duration.ofSeconds(5)), dir)) {
      DatabaseTarget t = db.target();
      flyway(t, "3").migrate();
      try (Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(),
          t.password() == null ? null : t.password().value()); Statement s = c.createStatement()) {
        s.execute("SET search_path = acct_v4");
        // u1 in two proposals of facility a (community x), u2 in facility b, u3 whose record was replaced (refs 0)
        s.execute("INSERT INTO rollup_user VALUES "
            + "('month', '2026-11-01T00:00:00Z', 'a', 'i1', 'p1', 'x', 'cpu_core_hours', 'u1', 2), "
            + "('month', '2026-11-01T00:00:00Z', 'a', 'i1', 'p2', 'x', 'cpu_core_hours', 'u1', 1), "
            + "('month', '2026-11-01T00:00:00Z', 'a', 'i2', 'p2', 'x', 'gpu_hours', 'u1', 1), "
            + "('month', '2026-11-01T00:00:00Z', 'b', 'i3', 'p3', '', 'cpu_core_hours', 'u2', 1), "
            + "('month', '2026-11-01T00:00:00Z', 'b', 'i3', 'p3', '', 'cpu_core_hours', 'u3', 0), "
            + "('hour', '2026-11-01T10:00:00Z', 'a', 'i1', 'p1', 'x', 'cpu_core_hours', 'u1', 1)");
        flyway(t, "4").migrate();
        assertThat(rows(s, "SELECT count(*) FROM rollup_user WHERE refs <= 0")).containsExactly("0");
        assertThat(rows(s, "SELECT count(*) FROM rollup_pending")).containsExactly("0");
        assertThat(rows(s, "SELECT grouping || ' ' || facility || ' ' || community || ' ' || metric || ' ' || users "
            + "FROM rollup_group_users ORDER BY grouping, facility, community, metric")).containsExactly(
                "0    2", "0   cpu_core_hours 2", "0   gpu_hours 1",
                "1 a   1", "1 a  cpu_core_hours 1", "1 a  gpu_hours 1", "1 b   1", "1 b  cpu_core_hours 1",
                "4    1", "4   cpu_core_hours 1", "4  x  1", "4  x cpu_core_hours 1", "4  x gpu_hours 1",
                "5 a x  1", "5 a x cpu_core_hours 1", "5 a x gpu_hours 1", "5 b   1", "5 b  cpu_core_hours 1");
        assertThat(rows(s, "SELECT refs FROM rollup_group_user WHERE grouping = 1 AND facility = 'a' AND metric = '' "
            + "AND user_id = 'u1'")).as("u1's live records in facility a").containsExactly("4");
      }
    }
  }

  private static Flyway flyway(DatabaseTarget t, String target) {
    return Flyway.configure(V4MigrationIT.class.getClassLoader())
        .dataSource(t.jdbcUrl(), t.user(), t.password() == null ? null : t.password().value())
        .schemas("acct_v4").defaultSchema("acct_v4").createSchemas(true).locations("classpath:db/accounting")
        .target(target).load();
  }

  private static List<String> rows(Statement s, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }
}
