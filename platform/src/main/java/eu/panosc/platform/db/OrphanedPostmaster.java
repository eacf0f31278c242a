package eu.panosc.platform.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears what an earlier run that died without stopping its PostgreSQL (e.g. {@code kill -9}) left in a
 * data directory: a postmaster still running on it is shut down (fast shutdown: open transactions roll
 * back, committed ones stay), a lock file whose PID is gone or belongs to another program is removed.
 * Call only while holding the data directory's owner lock, so that the postmaster found cannot belong to
 * a running control plane.
 */
final class OrphanedPostmaster {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostmaster.class);

  private OrphanedPostmaster() {}

  /**
   * Stops an orphaned postmaster of {@code pgData} and removes a stale {@code postmaster.pid}.
   *
   * @param stopWait how long a fast shutdown may take before the postmaster and its children are killed
   * @throws DatabaseException when the process cannot be identified or does not stop
   */
  static void clear(Path pgData, Duration stopWait) {
    Optional<PostmasterPidFile> found = PostmasterPidFile.read(pgData);
    if (found.isEmpty()) {
      return;
    }
    PostmasterPidFile file = found.get();
    if (file.malformed()) {
      LOG.warn("removing an empty or truncated {} in {} left by an earlier run", PostmasterPidFile.NAME, pgData);
      removeLockFile(pgData);
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(file.pid()).filter(ProcessHandle::isAlive);
    if (process.isEmpty() || file.pid() == ProcessHandle.current().pid()) {
      LOG.info("removing a stale {} in {} (PostgreSQL pid {} of an earlier run is not running)",
          PostmasterPidFile.NAME, pgData, file.pid());
      removeLockFile(pgData);
      return;
    }
    ProcessHandle postmaster = process.get();
    switch (identify(postmaster, pgData)) {
      case OTHER_PROGRAM -> {
        LOG.info("removing a stale {} in {} (pid {} now belongs to another program)", PostmasterPidFile.NAME,
            pgData, file.pid());
        removeLockFile(pgData);
      }
      case UNKNOWN -> throw new DatabaseException("embedded PostgreSQL did not start: " + PostmasterPidFile.NAME
          + " in " + pgData + " names pid " + file.pid() + ", which is running but cannot be inspected (another "
          + "user?); stop that process, or remove " + pgData.resolve(PostmasterPidFile.NAME)
          + " if it is not PostgreSQL, then start again", null);
      case ORPHAN -> stop(postmaster, pgData, stopWait);
    }
  }

  enum Identity { ORPHAN, OTHER_PROGRAM, UNKNOWN }

  /** Whether {@code process} is a PostgreSQL server whose data directory is {@code pgData}. */
  static Identity identify(ProcessHandle process, Path pgData) {
    ProcessHandle.Info info = process.info();
    Optional<String> command = info.command();
    if (command.isEmpty()) {
      return Identity.UNKNOWN;
    }
    Path executable = Path.of(command.get()).getFileName();
    String name = executable == null ? "" : executable.toString();
    if (!name.equals("postgres") && !name.equals("postgres.exe")) {
      return Identity.OTHER_PROGRAM;
    }
    List<String> args = info.arguments().map(List::of).orElse(List.of());
    int d = args.indexOf("-D");
    if (d >= 0 && d + 1 < args.size() && !samePath(Path.of(args.get(d + 1)), pgData)) {
      return Identity.OTHER_PROGRAM; // a PostgreSQL of another data directory reused the pid
    }
    return Identity.ORPHAN;
  }

  private static void stop(ProcessHandle postmaster, Path pgData, Duration stopWait) {
    long pid = postmaster.pid();
    LOG.warn("found an orphaned embedded PostgreSQL (pid {}) from an earlier run on {}; stopping it", pid, pgData);
    List<ProcessHandle> children = postmaster.descendants().toList();
    long started = System.nanoTime();
    if (!Signals.interrupt(pid)) {
      postmaster.destroy(); // SIGTERM: smart shutdown; the dead run's sessions are already gone
    }
    if (!awaitExit(postmaster, stopWait)) {
      LOG.warn("orphaned PostgreSQL (pid {}) did not stop within {} s; killing it (committed data is recovered "
          + "from the write-ahead log at start)", pid, stopWait.toSeconds());
      postmaster.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      if (!awaitExit(postmaster, Duration.ofSeconds(10))) {
        throw new DatabaseException("embedded PostgreSQL did not start: an orphaned PostgreSQL (pid " + pid
            + ") still runs on " + pgData + " and could not be stopped; stop it (kill -9 " + pid
            + "), then start again", null);
      }
    }
    for (ProcessHandle child : children) {
      if (!awaitExit(child, Duration.ofSeconds(5))) {
        child.destroyForcibly();
        awaitExit(child, Duration.ofSeconds(5));
      }
    }
    if (Files.exists(pgData.resolve(PostmasterPidFile.NAME))) {
      removeLockFile(pgData);
    }
    LOG.info("orphaned PostgreSQL (pid {}) stopped in {} ms", pid,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private static boolean awaitExit(ProcessHandle process, Duration wait) {
    try {
      process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !process.isAlive();
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private static void removeLockFile(Path pgData) {
    try {
      Files.deleteIfExists(pgData.resolve(PostmasterPidFile.NAME));
    } catch (IOException e) {
      throw new DatabaseException("embedded PostgreSQL did not start: cannot remove the stale "
          + pgData.resolve(PostmasterPidFile.NAME) + " (" + e.getMessage() + "); remove it, then start again", e);
    }
  }

  private static boolean samePath(Path a, Path b) {
    try {
      return a.toRealPath().equals(b.toRealPath());
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }
}
