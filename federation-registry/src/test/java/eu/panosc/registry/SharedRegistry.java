package eu.panosc.registry;

import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.LocalIssuer;
import eu.panosc.registry.saml.SamlFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One started registry (embedded PostgreSQL, a {@link LocalIssuer} it trusts, the test SAML signing key configured)
 * shared by every test class that registers the same {@link Kind}: started before the first such class, stopped
 * (and its directory deleted) when the test run ends. For tests that need no isolation: each works with members of
 * its own ids and asserts nothing about the whole registry's contents. Tests that restart the platform, count
 * everything published, or need a registry in a state no other test may see start their own.
 *
 * <p>Register it in a class with {@code @RegisterExtension static final SharedRegistry registry =
 * SharedRegistry.of(Kind.PLAIN);} and read {@link #api()}, {@link #issuer()}, {@link #platform()} in tests.
 */
public final class SharedRegistry implements BeforeAllCallback {
  /** What the shared registry runs as. */
  public enum Kind {
    /** Outside demo mode: an empty registry. */
    PLAIN(false),
    /** In demo mode: the demo federation seeded. */
    DEMO(true);

    private final boolean demo;

    Kind(boolean demo) {
      this.demo = demo;
    }
  }

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedRegistry.class);

  private final Kind kind;
  private Running running;

  private SharedRegistry(Kind kind) {
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public static SharedRegistry of(Kind kind) {
    return new SharedRegistry(kind);
  }

  /** A started registry, closed by JUnit with the root context (the end of the run). */
  private record Running(Path dir, LocalIssuer issuer, Platform platform) implements AutoCloseable {
    static Running start(Kind kind) {
      Path dir = null;
      LocalIssuer issuer = null;
      try {
        dir = Files.createTempDirectory("panosc-shared-registry");
        Path key = Files.writeString(dir.resolve("saml-key.pem"), SamlFixtures.resource("registry-key.pem"));
        Path cert = Files.writeString(dir.resolve("saml-cert.pem"), SamlFixtures.resource("registry-cert.pem"));
        issuer = LocalIssuer.start();
        Platform platform = RegistryPlatform.start(dir.resolve("var"), issuer, kind.demo, Map.of(
            "services.registry.samlSigningKey", key.toString(),
            "services.registry.samlSigningCertificate", cert.toString()));
        return new Running(dir, issuer, platform);
      } catch (Exception e) {
        if (issuer != null) {
          issuer.close();
        }
        delete(dir);
        throw new IllegalStateException("the shared " + kind + " registry did not start: " + e, e);
      }
    }

    @Override
    public void close() throws Exception {
      try {
        platform.stop().get(60, TimeUnit.SECONDS);
      } finally {
        issuer.close();
        delete(dir);
      }
    }

    private static void delete(Path dir) {
      if (dir == null) {
        return;
      }
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    running = context.getRoot().getStore(NAMESPACE).computeIfAbsent(kind, Running::start, Running.class);
  }

  public Platform platform() {
    return running().platform();
  }

  public LocalIssuer issuer() {
    return running().issuer();
  }

  /** The registry's base URL, {@code <platform>/registry}. */
  public String api() {
    return platform().baseUrl() + "/registry";
  }

  private Running running() {
    if (running == null) {
      throw new IllegalStateException("SharedRegistry is used before its class's @BeforeAll; register it with"
          + " @RegisterExtension on a static field");
    }
    return running;
  }
}
