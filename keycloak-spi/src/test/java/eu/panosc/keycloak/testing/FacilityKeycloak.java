package eu.panosc.keycloak.testing;

import eu.panosc.platform.testing.KeycloakHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A facility's Keycloak with this module's provider jar in its {@code providers/}: ONE per failsafe JVM, shared by
 * every IT of the module through {@link #shared()}. Started by the platform's {@link KeycloakHarness} (the same dist
 * zip and cache) in a home directory of its own ({@code keycloak-<version>-spi-<hash of this module's path>}), so
 * the plain Keycloak of other modules' tests and the one of a sibling checkout keep their builds: a change of
 * {@code providers/} makes Keycloak re-run its build step. The jar is the one {@code package} built (system property
 * {@code panosc.keycloak.spi.jar}, set by the failsafe configuration), so ITs always run against the packaged jar
 * with its {@code META-INF/services}.
 */
public final class FacilityKeycloak {
  private static KeycloakHarness instance;
  private static Throwable failed;

  private FacilityKeycloak() {
  }

  /** The JVM's facility Keycloak, started on the first call; skips the test when the dist zip is missing. */
  public static synchronized KeycloakHarness shared() {
    if (instance != null) {
      return instance;
    }
    if (failed != null) {
      throw new IllegalStateException("the facility Keycloak failed to start earlier in this JVM", failed);
    }
    try {
      instance = KeycloakHarness.start(launch(eu.panosc.keycloak.peers.PanoscPeers.QUEUE));
      return instance;
    } catch (org.opentest4j.TestAbortedException noDistribution) {
      throw noDistribution; // the zip is missing: every test that needs Keycloak skips, none fails
    } catch (Exception | Error e) {
      failed = e;
      throw e instanceof RuntimeException r ? r : new IllegalStateException("starting the facility Keycloak failed", e);
    }
  }

  /**
   * A facility Keycloak of the caller's own, as {@link #shared()} but with the usage queue in {@code queue}: same home,
   * jar and build options, so it runs beside the shared one without a build step of its own (the caller stops it).
   * For a test that restarts Keycloak, which would take the other test classes' realms with it if shared.
   */
  public static KeycloakHarness startOwn(Path queue) throws Exception {
    return KeycloakHarness.start(launch(queue));
  }

  private static KeycloakHarness.Launch launch(Path queue) {
    Path jar = providerJar();
    String home = "keycloak-" + KeycloakHarness.VERSION + "-spi-"
        + Integer.toHexString(Path.of("").toAbsolutePath().toString().hashCode());
    // debug logging of our packages lands in the log the smoke IT reads
    List<String> arguments = new java.util.ArrayList<>(List.of("--log-level=INFO,eu.panosc:debug"));
    // kc-b: the usage listener and the registration resource point at the ITs' platform (PanoscPeers)
    arguments.addAll(eu.panosc.keycloak.peers.PanoscPeers.keycloakArguments(queue));
    return new KeycloakHarness.Launch(home, List.of(jar), arguments);
  }

  /** The provider jar under test: {@code panosc.keycloak.spi.jar}. */
  public static Path providerJar() {
    String given = System.getProperty("panosc.keycloak.spi.jar");
    if (given == null || given.isBlank()) {
      throw new IllegalStateException("system property panosc.keycloak.spi.jar is not set: run the ITs through"
          + " failsafe (./mvnw -pl keycloak-spi verify), which sets it to the packaged jar");
    }
    Path jar = Path.of(given);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the provider jar " + jar + " does not exist: run `package` first");
    }
    return jar;
  }
}
