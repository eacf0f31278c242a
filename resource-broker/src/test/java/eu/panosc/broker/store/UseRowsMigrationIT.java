package eu.panosc.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.db.DatabaseTarget;
import eu.panosc.platform.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code V4__use_rows.sql} on a database that already holds sessions (a replica upgraded in place): the use rows
 * count the active sessions there were, and the trigger keeps them from then on.
 */
class UseRowsMigrationIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("broker", 2);

  private static final String SCHEMA = "broker_before_v4";

  @Test
  void migrateWhenSessionsExistedBeforeV4ThenUseRowsCountTheActiveOnesAndFollowLaterChanges() throws Exception {
    flyway(MigrationVersion.fromVersion("3")).migrate();
    try (Connection c = connect(); Statement st = c.createStatement()) {
      insert(st, "sa1", "alice", "c1", "RUNNING", 2, 100, 1);
      insert(st, "sa2", "alice", "c1", "STARTING", 3, 200, 0);
      insert(st, "sa3", "alice", "c2", "STOPPED", 5, 500, 0);
      insert(st, "sb1", "bob", null, "PLACING", 7, 700, 0);
      insert(st, "sb2", "bob", "c2", "FAILED", 11, 1100, 0);
    }
    flyway(MigrationVersion.LATEST).migrate();
    try (Connection c = connect(); Statement st = c.createStatement()) {
      assertThat(rows(st, "SELECT cluster, sessions, cpu, memory_mi, gpu FROM cluster_use ORDER BY cluster"))
          .containsExactly(List.of("c1", 2L, 5L, 300L, 1L));
      assertThat(rows(st, "SELECT owner_id, sessions FROM owner_use ORDER BY owner_id"))
          .containsExactly(List.of("alice", 2L), List.of("bob", 1L));
      // afterwards the trigger follows: one of alice's ends, bob's is placed on c2
      st.execute("UPDATE session SET state = 'STOPPED' WHERE id = 'sa1'");
      st.execute("UPDATE session SET state = 'STARTING', cluster = 'c2' WHERE id = 'sb1'");
      assertThat(rows(st, "SELECT cluster, sessions, cpu, memory_mi, gpu FROM cluster_use WHERE sessions > 0 "
          + "ORDER BY cluster")).containsExactly(List.of("c1", 1L, 3L, 200L, 0L), List.of("c2", 1L, 7L, 700L, 0L));
      assertThat(rows(st, "SELECT owner_id, sessions FROM owner_use ORDER BY owner_id"))
          .containsExactly(List.of("alice", 1L), List.of("bob", 1L));
    }
  }

  private static Flyway flyway(MigrationVersion target) {
    DatabaseTarget t = DB.target();
    return Flyway.configure(UseRowsMigrationIT.class.getClassLoader())
        .dataSource(t.jdbcUrl(), t.user(), t.password() == null ? null : t.password().value())
        .schemas(SCHEMA).defaultSchema(SCHEMA).createSchemas(true).locations("classpath:db/broker").target(target)
        .load();
  }

  private static Connection connect() throws Exception {
    DatabaseTarget t = DB.target();
    Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(),
        t.password() == null ? null : t.password().value());
    try (Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + SCHEMA);
    }
    return c;
  }

  private static void insert(Statement st, String id, String owner, String cluster, String state, long cpu, long mem,
      long gpu) throws Exception {
    st.execute("INSERT INTO session (id, owner_id, datasets, flavour, image, cpu, memory_mi, gpu, cluster, state, "
        + "secret_hash, created, updated, expires_at, last_activity) VALUES ('" + id + "', '" + owner + "', '{}', "
        + "'small', 'jupyter', " + cpu + ", " + mem + ", " + gpu + ", " + (cluster == null ? "NULL" : "'" + cluster
        + "'") + ", '" + state + "', 'h', now(), now(), now() + interval '1 day', now())");
  }

  private static List<List<Object>> rows(Statement st, String sql) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (ResultSet r = st.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          Object v = r.getObject(i);
          row.add(v instanceof Number x ? (Object) x.longValue() : v);
        }
        out.add(row);
      }
    }
    return out;
  }
}
