package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code panosc.jar} as a separate process, as a user runs it: {@code up --demo} serves every
 * service's readiness and metrics, SIGTERM stops it gracefully, and a second start reuses the data.
 */
class PanoscUpIT {
  @TempDir
  Path dir;

  private Process start(Path dataDir, int port, String... extra) throws Exception {
    Path jar = Path.of("target", "panosc.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(List.of("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString(),
        "up", "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve("out-" + port + ".txt").toFile())
        .redirectError(dir.resolve("err-" + port + ".txt").toFile())
        .start();
  }

  @Test
  void upWhenDemoThenEveryServiceReadyAndStopsGracefullyKeepingData() throws Exception {
    Path data = dir.resolve("var");
    int port = Http.freePort();
    Process p = start(data, port, "--demo");
    String base = "http://localhost:" + port;
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(Files.readString(dir.resolve("out-" + port + ".txt"))).contains("ready"));
      for (String service : List.of("aai", "pdp", "registry", "broker", "accounting")) {
        var ready = Http.get(base + "/" + service + "/health/ready");
        assertThat(ready.statusCode()).as(service).isEqualTo(200);
        assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("UP");
        assertThat(new JsonObject(Http.get(base + "/" + service + "/openapi.json").body()).getString("openapi"))
            .isEqualTo("3.1.0");
      }
      assertThat(Http.get(base + "/metrics").body()).contains("vertx_http_server_requests_total");
      String out = Files.readString(dir.resolve("out-" + port + ".txt"));
      assertThat(out).contains(base + "/pdp").contains("alice").contains("scicat-esrf-demo-secret");
    } finally {
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("128 + SIGTERM: the JVM's status after a signal-initiated, clean shutdown")
        .isEqualTo(143);
    String log = Files.readString(dir.resolve("err-" + port + ".txt"));
    assertThat(log).contains("shutting down").contains("stopped").doesNotContain("Exception");
    // start-up says nothing an operator cannot act on; the database outlives the graceful stop
    assertThat(log.substring(0, log.indexOf("shutting down"))).doesNotContain(" WARN ").doesNotContain(" ERROR ");
    assertThat(log).doesNotContain("Gauge has been already registered").doesNotContain("connection was lost");

    // A second start on the same data directory finds the initialised database and its migrations.
    int port2 = Http.freePort();
    Process again = start(data, port2);
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(Files.readString(dir.resolve("out-" + port2 + ".txt"))).contains("ready"));
      assertThat(Http.get("http://localhost:" + port2 + "/registry/health/ready").statusCode()).isEqualTo(200);
      String err = Files.readString(dir.resolve("err-" + port2 + ".txt"));
      assertThat(err).contains("embedded PostgreSQL started").doesNotContain("initialised");
      assertThat(Files.readString(dir.resolve("out-" + port2 + ".txt"))).doesNotContain("alice-demo-pw");
    } finally {
      again.destroy();
      again.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void upWhenPortInUseThenOneLineErrorAndNonZeroExit() throws Exception {
    try (var socket = new java.net.ServerSocket(0)) {
      Process p = start(dir.resolve("var2"), socket.getLocalPort());
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(PanoscCommand.EXIT_STARTUP);
      List<String> errLines = Files.readAllLines(dir.resolve("err-" + socket.getLocalPort() + ".txt"));
      assertThat(errLines).filteredOn(l -> l.startsWith("panosc:")).singleElement().asString()
          .contains("already in use");
    }
  }

}
