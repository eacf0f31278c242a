package eu.panosc.platform.db;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded PostgreSQL stop when this JVM dies without stopping it ({@code kill -9}, the OOM
 * killer, a crash): a shutdown hook does not run then, and {@code pg_ctl} starts the postmaster in a
 * session of its own, so nothing else would. The watchdog is a {@code /bin/sh} child of this JVM that
 * ignores SIGINT/SIGTERM/SIGHUP/SIGQUIT and blocks reading its standard input, a pipe whose only writer is
 * this JVM. When the JVM dies, the kernel closes the pipe; the read returns and the watchdog sends the
 * postmaster SIGINT (fast shutdown: committed transactions stay, open ones roll back). A normal
 * {@link #close()} kills the watchdog first. Without {@code /bin/sh} (Windows) there is no watchdog and
 * the next start stops the orphan instead ({@link OrphanedPostmaster}).
 */
final class PostmasterWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostmasterWatchdog.class);
  private static final String SCRIPT = "trap '' INT TERM HUP QUIT; read -r _ ; kill -INT \"$1\" 2>/dev/null";

  private final Process process;

  private PostmasterWatchdog(Process process) {
    this.process = process;
  }

  /** Watches this JVM on behalf of postmaster {@code pid}; empty when no watchdog can run here. */
  static Optional<PostmasterWatchdog> start(long pid) {
    if (!Signals.shellAvailable()) {
      LOG.info("no /bin/sh: the embedded PostgreSQL is not stopped if this process is killed; the next start "
          + "stops it");
      return Optional.empty();
    }
    try {
      Process p = new ProcessBuilder(Signals.SHELL.toString(), "-c", SCRIPT, "panosc-postgres-watchdog",
          Long.toString(pid))
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return Optional.of(new PostmasterWatchdog(p));
    } catch (IOException e) {
      LOG.warn("could not start the PostgreSQL watchdog ({}); the next start stops an orphaned PostgreSQL",
          e.getMessage());
      return Optional.empty();
    }
  }

  long pid() {
    return process.pid();
  }

  /** Ends the watchdog without it signalling the postmaster (SIGKILL cannot be trapped). */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
      process.getOutputStream().close();
    } catch (IOException e) {
      // the pipe is gone with the process
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
