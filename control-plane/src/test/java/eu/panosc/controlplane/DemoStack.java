package eu.panosc.controlplane;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.service.ServiceModule;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fixture, no tests of its own: the given modules in demo mode in one real platform (embedded PostgreSQL) for a test
 * class, started before its first test in a fresh data directory and stopped (the directory removed) after its last,
 * as {@code panosc up --demo} runs them. Register it as a static {@code @RegisterExtension} field.
 */
final class DemoStack implements BeforeAllCallback, AfterAllCallback {
  private final List<Supplier<ServiceModule>> modules;
  private boolean loopbackPort;
  private BooleanSupplier condition = () -> true;
  private String unmet = "";
  private Path dataDir;
  private Platform platform;
  private String base;

  @SafeVarargs
  DemoStack(Supplier<ServiceModule>... modules) {
    this.modules = List.of(modules);
  }

  /**
   * Serves on a free port fixed before the start, with the public base URL {@code http://127.0.0.1:<port>} (what a
   * browser test needs: the demo clients register loopback redirect URIs valid on any port).
   */
  DemoStack onLoopbackPort() {
    loopbackPort = true;
    return this;
  }

  /** Starts nothing, and skips the test class with {@code reason}, unless {@code condition} holds. */
  DemoStack onlyIf(BooleanSupplier condition, String reason) {
    this.condition = condition;
    this.unmet = reason;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Assumptions.assumeTrue(condition.getAsBoolean(), unmet);
    dataDir = Files.createTempDirectory("panosc-demo-stack");
    Map<String, String> config = Map.of();
    if (loopbackPort) {
      int port = Http.freePort();
      config = Map.of("server.port", Integer.toString(port), "server.publicBaseUrl", "http://127.0.0.1:" + port);
    }
    platform = PlatformLauncher.start(dataDir, modules.stream().map(Supplier::get).toList(), true, config,
        Clock.systemUTC());
    base = platform.baseUrl().toString().replaceAll("/+$", "");
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (platform != null) {
        platform.stop().get(60, TimeUnit.SECONDS);
      }
    } finally {
      delete(dataDir);
    }
  }

  /** The running platform. */
  Platform platform() {
    return platform;
  }

  /** The stack's base URL, without a trailing slash. */
  String base() {
    return base;
  }

  /** The data directory, for files a test writes beside the stack (e.g. a tokens file). */
  Path dataDir() {
    return dataDir;
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a leftover temporary directory is no test failure
    }
  }
}
