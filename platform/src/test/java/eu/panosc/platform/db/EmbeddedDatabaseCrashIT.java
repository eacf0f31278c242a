package eu.panosc.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner of the embedded database is killed ({@code kill -9}) in a separate JVM ({@link CrashingOwner}):
 * its watchdog stops PostgreSQL, and when the watchdog died too, the next start stops the orphan; either
 * way the next start is quick and every committed row is there.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseCrashIT {
  private static final int ROWS = 50;

  @TempDir
  Path dataDir;

  record Owner(Process jvm, long postmaster, long watchdog) {}

  private Owner startOwner() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        CrashingOwner.class.getName(), dataDir.toString(), Integer.toString(ROWS)));
    Process jvm = new ProcessBuilder(cmd).redirectError(dataDir.resolveSibling(dataDir.getFileName() + "-owner.err")
        .toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("ready ")) {
      // skip anything else the child prints
    }
    assertThat(line).as("the owner JVM started its database").isNotNull();
    String[] parts = line.split(" ");
    return new Owner(jvm, Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  @Test
  void startWhenOwnerKilledThenWatchdogStoppedPostgresAndDataKept() throws Exception {
    Owner owner = startOwner();
    assertThat(owner.watchdog()).as("a watchdog runs on Linux").isPositive();
    ProcessHandle postmaster = ProcessHandle.of(owner.postmaster()).orElseThrow();

    owner.jvm().destroyForcibly().waitFor();

    postmaster.onExit().get(20, TimeUnit.SECONDS);
    assertThat(postmaster.isAlive()).as("PostgreSQL does not outlive its owner").isFalse();
    assertRestartQuickWithAllRows();
  }

  @Test
  void startWhenOwnerAndWatchdogKilledThenOrphanStoppedAndDataKept() throws Exception {
    Owner owner = startOwner();
    ProcessHandle postmaster = ProcessHandle.of(owner.postmaster()).orElseThrow();
    ProcessHandle.of(owner.watchdog()).ifPresent(w -> {
      w.destroyForcibly();
      w.onExit().join();
    });

    owner.jvm().destroyForcibly().waitFor();

    Thread.sleep(1000);
    assertThat(postmaster.isAlive()).as("an orphan: nothing stopped it").isTrue();
    assertRestartQuickWithAllRows();
    assertThat(postmaster.isAlive()).isFalse();
  }

  private void assertRestartQuickWithAllRows() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0)) {
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(45));
      DatabaseTarget t = db.target();
      try (Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), ""); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM acknowledged")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(ROWS);
      }
    }
  }
}
