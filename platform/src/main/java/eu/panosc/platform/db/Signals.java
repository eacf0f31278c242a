package eu.panosc.platform.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals that {@link ProcessHandle} cannot send (it knows SIGTERM and SIGKILL only), through
 * {@code /bin/sh}'s {@code kill}. PostgreSQL's postmaster takes SIGINT as "fast shutdown".
 *
 * @see <a href="https://www.postgresql.org/docs/17/server-shutdown.html">PostgreSQL: shutting down the server</a>
 */
final class Signals {
  static final Path SHELL = Path.of("/bin/sh");

  private Signals() {}

  static boolean shellAvailable() {
    return Files.isExecutable(SHELL);
  }

  /** Sends SIGINT to {@code pid}; false when it could not be sent. */
  static boolean interrupt(long pid) {
    if (!shellAvailable()) {
      return false;
    }
    try {
      Process kill = new ProcessBuilder(SHELL.toString(), "-c", "kill -INT \"$1\"", "panosc-kill", Long.toString(pid))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
