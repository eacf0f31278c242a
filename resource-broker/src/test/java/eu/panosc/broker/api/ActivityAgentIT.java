package eu.panosc.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import eu.panosc.broker.BrokerPlatform;
import eu.panosc.broker.cull.Activity;
import eu.panosc.broker.cull.PgLifecycleStore;
import eu.panosc.broker.driver.ActivityAgent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activity agent of session images ({@code resource-broker/agent/panosc-activity-agent.py}, taken from the
 * classpath as the Kubernetes driver takes it) run for real as a {@code python3} process against the real broker (demo
 * mode, real PDP, local process driver, embedded PostgreSQL; see {@link BrokerPlatform}) whose users' inactivity limit
 * is 15 s, so the real culler in the reconciler's pass decides; what the broker recorded is read back from
 * {@code session_activity}. Jupyter Server cannot be installed here (no pip, no network): a small in-test HTTP server
 * stands in for its REST API ({@code /api/status}, {@code /api/kernels}; the token checked, the requests recorded).
 * {@code xprintidle} and {@code nvidia-smi} are stood in for by shell scripts on the agent's {@code PATH}.
 */
class ActivityAgentIT {
  static final String ALICE = "alice@demo.panosc.eu";
  static final Duration LIMIT = Duration.ofSeconds(15);
  static final DateTimeFormatter JUPYTER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** A stand-in for nvidia-smi that answers only the agent's query, printing {@code %s} (one line per GPU). */
  static final String NVIDIA_SMI = "[ \"$1\" = \"--query-gpu=utilization.gpu\" ] && "
      + "[ \"$2\" = \"--format=csv,noheader,nounits\" ] || { echo \"unexpected arguments: $*\" >&2; exit 2; }\n"
      + "printf '%s\\n'\n";

  @RegisterExtension
  static final BrokerPlatform broker = BrokerPlatform.forClass(Map.of(
      "services.broker.limits.user.inactivity", "15s", "services.broker.limits.user.maxActive", "10"));

  @TempDir
  Path work;
  final List<Agent> agents = new ArrayList<>();
  final List<FakeJupyter> jupyters = new ArrayList<>();

  @AfterEach
  void stopAll() {
    agents.forEach(Agent::kill);
    jupyters.forEach(FakeJupyter::close);
  }

  record Started(String id, String secret) {}

  /** A new session of Alice's, once RUNNING. */
  Started running() throws Exception {
    String token = broker.token(ALICE);
    HttpResponse<String> created = broker.post("/v1/sessions", token,
        new JsonObject().put("image", "jupyter").put("flavour", "small").put("datasets", new JsonArray()).encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    JsonObject body = new JsonObject(created.body());
    BrokerApiIT.awaitStateOn(broker, body.getString("id"), token, "RUNNING");
    return new Started(body.getString("id"), body.getString("accessSecret"));
  }

  JsonObject session(String id) {
    return new JsonObject(broker.get("/v1/sessions/" + id, broker.token(ALICE)).body());
  }

  JsonObject awaitState(String id, String state, Duration within) throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    JsonObject s = session(id);
    while (!s.getString("state").equals(state) && System.nanoTime() < end) {
      Thread.sleep(200);
      s = session(id);
    }
    assertThat(s.getString("state")).as("session %s within %s: %s", id, within, s).isEqualTo(state);
    return s;
  }

  static List<String> warningKinds(JsonObject session) {
    JsonArray warnings = session.getJsonArray("warnings", new JsonArray());
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < warnings.size(); i++) {
      kinds.add(warnings.getJsonObject(i).getString("kind"));
    }
    return kinds;
  }

  /** What the broker recorded in {@code session_activity}, read through the real store. */
  static Map<String, Activity> activity(String... ids) throws Exception {
    Pool pool = broker.platform.database().pool(broker.platform.vertx(), "broker");
    try {
      return new PgLifecycleStore(pool).activity(List.of(ids)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } finally {
      pool.close();
    }
  }

  private static String python;

  /**
   * The interpreter that {@code python3} on this process's PATH runs (itself, not a shim such as pyenv's, which needs
   * a PATH the agent does not get).
   */
  static synchronized String python() throws IOException, InterruptedException {
    if (python == null) {
      Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").redirectErrorStream(true)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(p.waitFor()).as("python3 must be on PATH to run the activity agent: %s", out).isZero();
      assertThat(Files.isExecutable(Path.of(out))).as("python3's sys.executable %s", out).isTrue();
      python = out;
    }
    return python;
  }

  Path script() throws IOException {
    Path p = work.resolve(ActivityAgent.FILE);
    if (!Files.exists(p)) {
      Files.writeString(p, ActivityAgent.script());
    }
    return p;
  }

  Path secretFile(String secret) throws IOException {
    Path p = work.resolve("secret-" + UUID.randomUUID());
    Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(p, secret + "\n");
    return p;
  }

  /** A directory with the given shell scripts (name → body after {@code #!/bin/sh}), the agent's whole PATH. */
  Path bin(Map<String, String> scripts) throws IOException {
    Path dir = Files.createDirectory(work.resolve("bin-" + UUID.randomUUID()));
    for (var e : scripts.entrySet()) {
      Path f = dir.resolve(e.getKey());
      Files.writeString(f, "#!/bin/sh\n" + e.getValue() + "\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }

  /** Starts the agent for {@code session} with its secret in a file, reporting every second. */
  Agent agent(String session, Path secretFile, Path bin, FakeJupyter jupyter, String jupyterPath,
      Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", bin.toString());
    env.put("PANOSC_BROKER_URL", broker.base());
    env.put("PANOSC_SESSION", session);
    env.put("PANOSC_SECRET_FILE", secretFile.toString());
    env.put("PANOSC_ACTIVITY_INTERVAL", "1");
    if (jupyter != null) {
      env.put("PANOSC_JUPYTER_URL", jupyter.url(jupyterPath));
    }
    env.putAll(extraEnv);
    List<String> command = new ArrayList<>(List.of(python(), script().toString()));
    command.addAll(List.of(args));
    Agent a = new Agent(command, env, work.resolve("agent-" + UUID.randomUUID() + ".log"));
    agents.add(a);
    return a;
  }

  FakeJupyter jupyter(String token, String prefix, String state, Instant lastActivity) throws IOException {
    FakeJupyter j = new FakeJupyter(token, prefix, state, lastActivity);
    jupyters.add(j);
    return j;
  }

  @Test
  void agentWhenAKernelIsBusyOrTheGpuIsInUseThenNotCulledAndOnceItStopsTheSessionIs() throws Exception {
    Instant dayAgo = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    Started busy = running();
    Started gpu = running();
    Started idle = running();
    // a kernel computing with its tab closed: busy, its last interaction a day ago, no browser traffic
    FakeJupyter busyJupyter = jupyter(busy.secret(), "/broker/s/" + busy.id() + "/", "busy", dayAgo);
    FakeJupyter idleJupyter = jupyter(idle.secret(), "/broker/s/" + idle.id() + "/", "idle", dayAgo);
    Instant started = Instant.now();
    Agent a = agent(busy.id(), secretFile(busy.secret()), bin(Map.of()), busyJupyter, "/broker/s/" + busy.id() + "/",
        Map.of());
    // a GPU at 37 % (the busier of two); xprintidle present but failing: left out
    Agent b = agent(gpu.id(), secretFile(gpu.secret()), bin(Map.of("nvidia-smi", NVIDIA_SMI.formatted("12\\n37"),
        "xprintidle", "echo \"couldn't open display\" >&2\nexit 1")), null, null, Map.of("DISPLAY", ":0"));
    // an agent that reports, but nothing is in use: an idle kernel, a GPU at 3 % (not above 5 %)
    Agent c = agent(idle.id(), secretFile(idle.secret()), bin(Map.of("nvidia-smi", NVIDIA_SMI.formatted("3"))),
        idleJupyter, "/broker/s/" + idle.id() + "/", Map.of());

    JsonObject culled = awaitState(idle.id(), "STOPPED", LIMIT.plusSeconds(45));
    assertThat(warningKinds(culled)).contains("culled");
    // past the limit since all three agents started: the busy kernel's and the GPU's sessions still run
    long wait = Duration.between(Instant.now(), started.plus(LIMIT).plusSeconds(8)).toMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    assertThat(session(busy.id()).getString("state")).isEqualTo("RUNNING");
    assertThat(session(gpu.id()).getString("state")).isEqualTo("RUNNING");

    Map<String, Activity> recorded = activity(busy.id(), gpu.id(), idle.id());
    Activity ab = recorded.get(busy.id());
    assertThat(ab.kernelBusy()).isTrue();
    assertThat(ab.kernel()).hasValueSatisfying(t -> assertThat(t).isAfter(started.minusSeconds(1)));
    assertThat(ab.gpu()).isEmpty();
    assertThat(ab.desktop()).isEmpty();
    Activity ag = recorded.get(gpu.id());
    assertThat(ag.gpu()).hasValueSatisfying(t -> assertThat(t).isAfter(started.minusSeconds(1)));
    assertThat(ag.kernel()).isEmpty();
    assertThat(ag.desktop()).isEmpty();
    Activity ai = recorded.get(idle.id());
    assertThat(ai.kernelBusy()).isFalse();
    assertThat(ai.kernel()).contains(dayAgo);
    assertThat(ai.gpu()).isEmpty();
    assertThat(ai.reported()).isPresent();

    assertThat(a.output()).contains("source jupyter: read").contains("kernel busy, last activity")
        .contains("source gpu: left out (nvidia-smi is not installed)");
    assertThat(b.output()).contains("gpu 37 %")
        .contains("source desktop: left out (xprintidle exited with status 1: couldn't open display)");
    assertThat(c.output()).contains("kernel idle, last activity " + dayAgo).contains("gpu 3 %");
    // the agent's own requests are not Jupyter activity; its token is the access secret
    assertThat(busyJupyter.requests).isNotEmpty().allSatisfy(r -> assertThat(r).contains("?no_track_activity=1")
        .endsWith("token-ok"));
    assertThat(busyJupyter.requests).anySatisfy(r -> assertThat(r).startsWith("GET /broker/s/" + busy.id()
        + "/api/kernels"));
    // the culled session's agent is refused now, says so and keeps running
    c.await(o -> o.contains("(HTTP 409): session " + idle.id() + " is not running"), Duration.ofSeconds(20));
    assertThat(c.alive()).isTrue();

    // SIGTERM: the busy session's agent exits 0; without its reports the session is culled after the limit
    assertThat(a.stop()).isZero();
    assertThat(a.output()).contains("stopped (SIGTERM)");
    assertThat(warningKinds(awaitState(busy.id(), "STOPPED", LIMIT.plusSeconds(45)))).contains("culled");
    assertThat(b.stop()).isZero();
    assertThat(c.stop()).isZero();
    assertThat(session(gpu.id()).getString("state")).isEqualTo("RUNNING");
    for (var x : List.of(Map.entry(a, busy), Map.entry(b, gpu), Map.entry(c, idle))) {
      assertThat(x.getKey().output()).doesNotContain(x.getValue().secret());
    }
  }

  @Test
  void agentWhenTheSecretIsWrongThenRefusedLoggedWithoutTheSecretBacksOffAndKeepsRunningUntilSigterm()
      throws Exception {
    Started s = running();
    String wrong = "wrong-" + UUID.randomUUID();
    Path wrongFile = secretFile(wrong);
    // Jupyter's token defaults to the secret the agent has: the (wrong) one
    FakeJupyter j = jupyter(wrong, "/", "idle", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Agent a = agent(s.id(), wrongFile, bin(Map.of()), j, "/", Map.of());
    a.await(o -> o.split("HTTP 401", -1).length > 2, Duration.ofSeconds(30));
    assertThat(a.alive()).isTrue();
    assertThat(a.output()).contains("refused by the broker (HTTP 401): the access secret was not accepted for "
        + "session " + s.id()).contains("next attempt in 2 s").contains("next attempt in 4 s")
        .contains("source jupyter: read");
    assertThat(a.stop()).isZero();
    assertThat(a.output()).contains("stopped (SIGTERM)").doesNotContain(wrong).doesNotContain(s.secret());
    assertThat(Optional.ofNullable(activity(s.id()).get(s.id())).flatMap(Activity::reported)).isEmpty();

    Agent once = agent(s.id(), wrongFile, bin(Map.of()), null, null, Map.of(), "--once");
    assertThat(once.exit()).isEqualTo(1);
    assertThat(once.output()).contains("HTTP 401").doesNotContain(wrong);
    // no secret anywhere: a configuration error says what is missing and exits 2
    Agent unconfigured = agent(s.id(), wrongFile, bin(Map.of()), null, null, Map.of("PANOSC_SECRET_FILE", ""),
        "--once");
    assertThat(unconfigured.exit()).isEqualTo(2);
    assertThat(unconfigured.output()).contains("configuration error: the access secret is required");
  }

  @Test
  void agentOnceWhenSourcesAreBrokenThenLeftOutAndTheRestReportedAndAWorkingDesktopCounts() throws Exception {
    Started s = running();
    Instant dayAgo = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    Path secret = secretFile(s.secret());
    FakeJupyter broken = jupyter(s.secret(), "/broker/s/" + s.id() + "/", "busy", dayAgo);
    broken.kernelsStatus = 500;
    Agent first = agent(s.id(), secret, bin(Map.of("xprintidle", "echo soon", "nvidia-smi",
        NVIDIA_SMI.formatted("37"))), broken, "/broker/s/" + s.id() + "/", Map.of("DISPLAY", ":7"), "--once");
    assertThat(first.exit()).isZero();
    assertThat(first.output()).contains("source jupyter: left out (GET api/kernels answered HTTP 500)")
        .contains("source desktop: left out (xprintidle printed 'soon', not milliseconds)")
        .contains("source gpu: read").contains("reported {gpu 37 %}");
    Activity one = activity(s.id()).get(s.id());
    assertThat(one.gpu()).isPresent();
    assertThat(one.kernel()).isEmpty();
    assertThat(one.kernelBusy()).isFalse();
    assertThat(one.desktop()).isEmpty();

    // a Jupyter serving its API at its root, not under the session's base path: found there
    FakeJupyter atRoot = jupyter(s.secret(), "/", "idle", dayAgo);
    Agent second = agent(s.id(), secret, bin(Map.of()), atRoot, "/broker/s/" + s.id() + "/", Map.of(), "--once");
    assertThat(second.exit()).isZero();
    assertThat(second.output()).contains("not under " + atRoot.url("/broker/s/" + s.id() + "/"))
        .contains("kernel idle, last activity " + dayAgo);
    assertThat(activity(s.id()).get(s.id()).kernel()).contains(dayAgo);

    // the X display's last input 4 s ago (xprintidle prints milliseconds) counts as desktop input
    Instant before = Instant.now();
    Agent third = agent(s.id(), secret, bin(Map.of("xprintidle", "echo 4000")), null, null, Map.of("DISPLAY", ":0"),
        "--once");
    assertThat(third.exit()).isZero();
    Instant after = Instant.now();
    assertThat(third.output()).contains("source desktop: read").contains("desktop last input");
    assertThat(activity(s.id()).get(s.id()).desktop()).hasValueSatisfying(t -> assertThat(t)
        .isBetween(before.minusSeconds(6), after.minusSeconds(3)));
    for (Agent x : List.of(first, second, third)) {
      assertThat(x.output()).doesNotContain(s.secret());
    }
  }

  /**
   * The agent as a process, its output (stdout and stderr) going to a file: {@link Process#destroy} closes the
   * process's pipes, so what it logs after SIGTERM would be lost on a pipe.
   */
  static final class Agent {
    final Process process;
    final Path log;

    Agent(List<String> command, Map<String, String> env, Path log) throws IOException {
      this.log = log;
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      process = pb.start();
    }

    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean alive() {
      return process.isAlive();
    }

    void await(Predicate<String> condition, Duration within) throws InterruptedException {
      long end = System.nanoTime() + within.toNanos();
      while (!condition.test(output())) {
        if (System.nanoTime() > end) {
          throw new AssertionError("the agent did not log what was expected within " + within + ":\n" + output());
        }
        Thread.sleep(100);
      }
    }

    /** Its exit status once it ended by itself (within 30 s). */
    int exit() throws InterruptedException {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the agent did not end within 30 s:\n" + output());
      }
      return process.exitValue();
    }

    /** Sends SIGTERM ({@link Process#destroy} on Unix) and returns its exit status (within 15 s). */
    int stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the agent did not end within 15 s of SIGTERM:\n" + output());
      }
      return process.exitValue();
    }

    void kill() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * Stands in for Jupyter Server's REST API (Jupyter cannot be installed here): {@code <prefix>api/status} and
   * {@code <prefix>api/kernels} (one kernel in {@code state}), both with {@code lastActivity} as the last activity;
   * requests without {@code Authorization: token <token>} get 403, other paths 404. Every request is recorded as
   * {@code "<method> <path?query> token-ok|token-bad"}.
   */
  static final class FakeJupyter implements AutoCloseable {
    final HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile int kernelsStatus = 200;

    FakeJupyter(String token, String prefix, String state, Instant lastActivity) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      String at = JUPYTER_TIME.format(lastActivity);
      server.createContext("/", exchange -> {
        try (exchange) {
          boolean tokenOk = ("token " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"));
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
              + (tokenOk ? "token-ok" : "token-bad"));
          String path = exchange.getRequestURI().getPath();
          int status;
          String body;
          if (!tokenOk) {
            status = 403;
            body = "{\"message\":\"Forbidden\"}";
          } else if (path.equals(prefix + "api/status")) {
            status = 200;
            body = new JsonObject().put("started", at).put("last_activity", at).put("connections", 0)
                .put("kernels", 1).encode();
          } else if (path.equals(prefix + "api/kernels")) {
            status = kernelsStatus;
            body = status != 200 ? "{\"message\":\"Unhandled error\"}" : new JsonArray().add(new JsonObject()
                .put("id", "4f1c").put("name", "python3").put("last_activity", at).put("execution_state", state)
                .put("connections", 0)).encode();
          } else {
            status = 404;
            body = "{\"message\":\"Not Found\"}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
