package eu.panosc.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real PostgreSQL binaries: data under the data directory survives a stop and start. */
class EmbeddedDatabaseIT {
  @TempDir
  Path dataDir;

  @Test
  void startWhenRestartedOnSameDataDirThenDataAndPortSurvive() throws Exception {
    int port;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0)) {
      port = db.port();
      try (Connection c = connect(db.target()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE proposal (id TEXT PRIMARY KEY)");
        s.execute("INSERT INTO proposal VALUES ('esrf:MX-2415')");
        try (ResultSet rs = s.executeQuery("SHOW fsync")) {
          rs.next();
          assertThat(rs.getString(1)).as("acknowledged commits survive a power loss").isEqualTo("on");
        }
      }
    }
    assertThat(Files.readString(dataDir.resolve("postgres.port")).trim()).isEqualTo(Integer.toString(port));
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0)) {
      assertThat(db.port()).isEqualTo(port);
      try (Connection c = connect(db.target()); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT id FROM proposal")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("esrf:MX-2415");
      }
    }
  }

  @Test
  void startWhenDataDirInUseThenClearError() {
    try (EmbeddedDatabase first = EmbeddedDatabase.start(dataDir, 0)) {
      assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir, 0))
          .isInstanceOf(DatabaseException.class)
          .hasMessageContaining("embedded PostgreSQL did not start")
          .hasMessageContaining(dataDir.toAbsolutePath().normalize().toString())
          .hasMessageContaining("pick another --data-dir");
      assertThat(first.port()).isPositive();
    }
  }

  @Test
  void migrateWhenRunTwiceThenSchemaOwnedAndIdempotent() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0)) {
      assertThat(Migrations.migrate(db.target(), "items")).isEqualTo("1");
      assertThat(Migrations.migrate(db.target(), "items")).isEqualTo("1");
      try (Connection c = connect(db.target()); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery(
               "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'items' AND table_name = 'item'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      try (Connection c = connect(db.target()); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery(
               "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("nothing lands in public").isZero();
      }
    }
  }

  private static Connection connect(DatabaseTarget t) throws Exception {
    return DriverManager.getConnection(t.jdbcUrl(), t.user(), "");
  }
}
