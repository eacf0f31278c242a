package eu.panosc.broker.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.broker.Fixtures;
import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.Observation;
import eu.panosc.broker.model.Resources;
import eu.panosc.broker.model.SessionState;
import eu.panosc.platform.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local driver: a configured command on a free port (python3's http.server here) and the built-in page. */
class LocalProcessDriverTest {
  @TempDir
  Path work;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static LaunchSpec spec(String id, String secret) {
    return new LaunchSpec(Fixtures.session(id, "alice@demo.panosc.eu", null, new Resources(1, 1024, 0),
        SessionState.STARTING), Fixtures.image("jupyter"), Fixtures.flavour("small", 1, 1024, 0), Optional.of(secret),
        List.of());
  }

  static Observation ready(LocalProcessDriver d, String id) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      Observation o = await(d.observe(id));
      if (o.phase() != Observation.Phase.STARTING) {
        return o;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not ready within 10 s");
  }

  @Test
  void startWhenCommandThenReadyOnItsPortSecretOnlyInAPrivateFileAndStopKillsIt() throws Exception {
    LocalProcessDriver d = new LocalProcessDriver(vertx, List.of("python3", "-m", "http.server", "{port}", "--bind",
        "127.0.0.1", "--directory", "{workDir}"), work);
    await(d.start(spec("sa", "top-secret-value")));
    await(d.start(spec("sa", "top-secret-value"))); // idempotent
    Observation o = ready(d, "sa");
    assertThat(o.phase()).isEqualTo(Observation.Phase.READY);
    assertThat(Http.get(o.url().orElseThrow()).statusCode()).isEqualTo(200);
    Path secret = work.resolve("sa").resolve("access-secret");
    assertThat(Files.readString(secret)).isEqualTo("top-secret-value");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    assertThat(ProcessHandle.allProcesses().flatMap(p -> p.info().arguments().stream().flatMap(java.util.Arrays::stream))
        .anyMatch(a -> a.contains("top-secret-value"))).isFalse();
    assertThat(await(d.sessions())).containsExactly("sa");
    await(d.stop("sa"));
    assertThat(await(d.observe("sa")).phase()).isEqualTo(Observation.Phase.ABSENT);
    assertThat(Files.exists(secret)).isFalse();
    await(d.stop("sa")); // idempotent
  }

  @Test
  void startWhenCommandExitsThenFailedWithStatus() throws Exception {
    LocalProcessDriver d = new LocalProcessDriver(vertx, List.of("sh", "-c", "exit 3"), work);
    await(d.start(spec("sb", "s")));
    Thread.sleep(500);
    Observation o = await(d.observe("sb"));
    assertThat(o.phase()).isEqualTo(Observation.Phase.FAILED);
    assertThat(o.reason()).contains("the session's process exited with status 3");
    await(d.close());
  }

  @Test
  void startWhenBuiltInPageThenSecretRequiredAndHtmlEscaped() throws Exception {
    LocalProcessDriver d = new LocalProcessDriver(vertx, List.of(), work);
    var s = Fixtures.session("sc", "alice@demo.panosc.eu", "esrf:<b>x</b>", new Resources(1, 1024, 0),
        SessionState.STARTING);
    await(d.start(new LaunchSpec(s, Fixtures.image("jupyter"), Fixtures.flavour("small", 1, 1024, 0),
        Optional.of("sec"), List.of())));
    String url = ready(d, "sc").url().orElseThrow();
    var refused = Http.getAuthorized(url, "wrong");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Basic "));
    assertThat(Http.get(url).statusCode()).isEqualTo(401);
    assertThat(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Authorization",
        "Basic " + java.util.Base64.getEncoder().encodeToString("alice:wrong".getBytes())).build()).statusCode())
        .isEqualTo(401);
    assertThat(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Authorization",
        "Basic !!!").build()).statusCode()).isEqualTo(401);
    // a browser: Basic authentication with the secret as password
    assertThat(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Authorization",
        "Basic " + java.util.Base64.getEncoder().encodeToString("alice:sec".getBytes())).build()).statusCode())
        .isEqualTo(200);
    var page = Http.getAuthorized(url, "sec");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("esrf:&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>").contains("10.5/a");
    await(d.close());
    assertThat(await(d.sessions())).isEmpty();
  }

  @Test
  void startWhenSecretLostInARestartThenRefused() {
    LocalProcessDriver d = new LocalProcessDriver(vertx, List.of(), work);
    LaunchSpec lost = new LaunchSpec(spec("sd", "x").session(), Fixtures.image("jupyter"),
        Fixtures.flavour("small", 1, 1024, 0), Optional.empty(), List.of());
    assertThat(await(d.start(lost).otherwise(e -> null))).isNull();
    assertThat(d.start(lost).cause().getMessage()).contains("access secret did not reach");
  }
}
