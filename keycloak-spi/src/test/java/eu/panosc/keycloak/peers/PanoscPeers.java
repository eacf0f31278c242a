package eu.panosc.keycloak.peers;

import eu.panosc.aai.AaiApplication;
import eu.panosc.accounting.AccountingApplication;
import eu.panosc.platform.service.Platform;
import eu.panosc.platform.testing.Http;
import eu.panosc.platform.testing.PlatformLauncher;
import eu.panosc.registry.RegistryApplication;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The federation the facility Keycloak of the ITs talks to: the real federation-registry, aai-broker (demo mode: its
 * demo clients {@code resource-broker} with {@code accounting:ingest} and {@code registry-admin} with
 * {@code registry:admin} get client credentials tokens) and metrics-accounting, in one platform of the test JVM on
 * embedded PostgreSQL. Its port is reserved when this class loads, so the shared Keycloak is started with the
 * providers' settings pointing at it ({@link #keycloakArguments()}) whichever IT starts Keycloak first; an IT starts
 * and stops the platform itself.
 */
public final class PanoscPeers {
  /** The platform's port, fixed for the JVM. */
  public static final int PORT = Http.freePort();
  public static final String BASE = "http://127.0.0.1:" + PORT;
  /** The usage listener's queue directory of this JVM's Keycloak. */
  public static final Path QUEUE = Path.of("target", "panosc-usage-queue-" + ProcessHandle.current().pid())
      .toAbsolutePath();
  public static final String FACILITY = "esrf";

  private PanoscPeers() {}

  /** The {@code kc.sh start-dev} arguments configuring the usage listener and the registration resource. */
  public static List<String> keycloakArguments() {
    return keycloakArguments(QUEUE);
  }

  /** As {@link #keycloakArguments()}, with the usage queue in {@code queue} (a Keycloak of its own needs its own). */
  public static List<String> keycloakArguments(Path queue) {
    String usage = "--spi-events-listener--panosc-usage--";
    String registration = "--spi-realm-restapi-extension--panosc--";
    return List.of(
        usage + "facility=" + FACILITY,
        usage + "accounting-url=" + BASE + "/accounting",
        usage + "token-endpoint=" + BASE + "/aai/token",
        usage + "client-id=resource-broker",
        usage + "client-secret=resource-broker-demo-secret",
        usage + "directory=" + queue,
        usage + "ship-interval-ms=200",
        usage + "max-backoff-ms=2000",
        registration + "registry-url=" + BASE + "/registry",
        registration + "token-endpoint=" + BASE + "/aai/token",
        registration + "client-id=registry-admin",
        registration + "client-secret=registry-admin-demo-secret",
        registration + "facility=" + FACILITY);
  }

  /** Starts (or, with the same {@code dataDir}, restarts) the platform on {@link #PORT}, demo mode. */
  public static Platform start(Path dataDir) throws Exception {
    return PlatformLauncher.start(dataDir, List.of(new RegistryApplication(), new AaiApplication(),
        new AccountingApplication()), true, Map.of("server.port", Integer.toString(PORT), "server.publicBaseUrl",
        BASE), Clock.systemUTC());
  }

  public static void stop(Platform platform) throws Exception {
    if (platform != null) {
      platform.stop().get(60, TimeUnit.SECONDS);
    }
  }
}
