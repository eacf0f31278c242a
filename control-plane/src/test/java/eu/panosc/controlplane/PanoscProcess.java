package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code panosc up} from the shaded jar as a separate JVM, as a user runs it; for the ITs that start or kill one. */
record PanoscProcess(Process process, String base, Path out, Path err) {

  /** Starts {@code panosc up --port <free> --data-dir data extra…}; its output goes to files in {@code logs}. */
  static PanoscProcess start(Path logs, Path data, String... extra) throws IOException {
    int port = Http.freePort();
    Path jar = Path.of("target", "panosc.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(List.of("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString(),
        "up", "--port", Integer.toString(port), "--data-dir", data.toString()));
    cmd.addAll(List.of(extra));
    Path out = logs.resolve("out-" + port + ".txt");
    Path err = logs.resolve("err-" + port + ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new PanoscProcess(p, "http://localhost:" + port, out, err);
  }

  /** Waits until the banner says ready (or fails with the process's standard error if it exited). */
  PanoscProcess awaitReady(Duration bound) {
    await().atMost(bound).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      assertThat(process.isAlive()).as("panosc exited; stderr: %s", errText()).isTrue();
      assertThat(Files.readString(out)).contains("ready");
    });
    return this;
  }

  String errText() {
    try {
      return Files.readString(err);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** SIGTERM and wait for the exit. */
  void stop() throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  /** A client-credentials token of a demo client (secret {@code <client>-demo-secret}). */
  String token(String client, String scope) {
    return demoClientToken(base, client, scope);
  }

  /** A client-credentials token of a demo client of the control plane at {@code base}. */
  static String demoClientToken(String base, String client, String scope) {
    String basic = Base64.getEncoder().encodeToString((client + ":" + client + "-demo-secret")
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/aai/token"))
        .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
            + URLEncoder.encode(scope, StandardCharsets.UTF_8)))
        .build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }
}
