package eu.panosc.platform.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A separate JVM for {@link EmbeddedDatabaseCrashIT}: starts the embedded database on {@code args[0]},
 * commits {@code args[1]} rows, prints {@code ready <postmaster pid> <watchdog pid or 0>} and waits to be
 * killed.
 */
public final class CrashingOwner {
  private CrashingOwner() {}

  public static void main(String[] args) throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]), 0);
    DatabaseTarget t = db.target();
    try (Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), ""); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS acknowledged (n INT PRIMARY KEY)");
      for (int i = 0; i < Integer.parseInt(args[1]); i++) {
        s.execute("INSERT INTO acknowledged VALUES (" + i + ")");
      }
    }
    System.out.println("ready " + db.postmasterPid().orElseThrow() + " " + db.watchdogPid().orElse(0L));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
