package eu.panosc.platform.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What PostgreSQL's lock file {@code <PGDATA>/postmaster.pid} says: line 1 the postmaster's PID, line 2
 * its data directory, line 4 its port (later lines: start time, socket directory, listen address, shared
 * memory key, status). A file cut short by a crash parses with what it has; a file without a valid PID is
 * {@link #malformed()}.
 *
 * @param pid the postmaster's process id, or 0 when the file holds none
 * @param dataDirectory line 2, or null when absent
 * @param port line 4, or 0 when absent or not a number
 * @see <a href="https://www.postgresql.org/docs/17/storage-file-layout.html">PostgreSQL: database file layout</a>
 */
record PostmasterPidFile(long pid, String dataDirectory, int port) {
  static final String NAME = "postmaster.pid";

  /** The file in {@code pgData}, when there is one. */
  static Optional<PostmasterPidFile> read(Path pgData) {
    try {
      return Optional.of(parse(Files.readAllLines(pgData.resolve(NAME), StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // unreadable or not UTF-8: as good as no PID
      return Optional.of(new PostmasterPidFile(0, null, 0));
    }
  }

  static PostmasterPidFile parse(List<String> lines) {
    long pid = lines.isEmpty() ? 0 : parseLong(lines.get(0));
    String dir = lines.size() > 1 && !lines.get(1).isBlank() ? lines.get(1).strip() : null;
    long port = lines.size() > 3 ? parseLong(lines.get(3)) : 0;
    return new PostmasterPidFile(pid, dir, port > 0 && port <= 65535 ? (int) port : 0);
  }

  /** No usable PID: an empty or truncated file, left by a crash while PostgreSQL was starting. */
  boolean malformed() {
    return pid <= 0;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
