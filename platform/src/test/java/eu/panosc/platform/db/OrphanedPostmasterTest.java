package eu.panosc.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock-file decisions that need no PostgreSQL (a real orphan: {@code EmbeddedDatabaseCrashIT}). */
class OrphanedPostmasterTest {
  @TempDir
  Path pgData;

  private Path pidFile(String content) throws Exception {
    Path f = pgData.resolve("postmaster.pid");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void clearWhenNoLockFileThenNothingHappens() {
    OrphanedPostmaster.clear(pgData, Duration.ofSeconds(1));
    assertThat(pgData).isEmptyDirectory();
  }

  @Test
  void clearWhenPidNoLongerRunsThenStaleLockFileRemoved() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Path f = pidFile(gone.pid() + "\n" + pgData + "\n1767225600\n5432\n");
    OrphanedPostmaster.clear(pgData, Duration.ofSeconds(1));
    assertThat(f).doesNotExist();
  }

  @Test
  void clearWhenPidIsThisProcessThenStaleLockFileRemoved() throws Exception {
    Path f = pidFile(ProcessHandle.current().pid() + "\n" + pgData + "\n");
    OrphanedPostmaster.clear(pgData, Duration.ofSeconds(1));
    assertThat(f).doesNotExist();
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void clearWhenPidReusedByAnotherProgramThenLockFileRemovedAndProgramLeftAlone() throws Exception {
    Process other = new ProcessBuilder("sleep", "30").start();
    try {
      Path f = pidFile(other.pid() + "\n" + pgData + "\n1767225600\n5432\n");
      assertThat(OrphanedPostmaster.identify(other.toHandle(), pgData))
          .isEqualTo(OrphanedPostmaster.Identity.OTHER_PROGRAM);
      OrphanedPostmaster.clear(pgData, Duration.ofSeconds(1));
      assertThat(f).doesNotExist();
      assertThat(other.isAlive()).isTrue();
    } finally {
      other.destroyForcibly().waitFor();
    }
  }

  @Test
  void clearWhenLockFileEmptyThenRemoved() throws Exception {
    Path f = pidFile("");
    OrphanedPostmaster.clear(pgData, Duration.ofSeconds(1));
    assertThat(f).doesNotExist();
  }
}
