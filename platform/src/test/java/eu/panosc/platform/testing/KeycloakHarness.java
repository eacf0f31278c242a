package eu.panosc.platform.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Keycloak as a real, independent identity provider for integration tests: {@code org.keycloak:keycloak-quarkus-dist}
 * (the zip in the local Maven repository, or the one {@code -Dkeycloak.dist.zip} names), unpacked once into a cache
 * directory kept between builds ({@code ~/.cache/panosc-tests}, or {@code -Dkeycloak.cache}; keeping it keeps
 * Keycloak's one-time build step, about a minute, out of later runs), started as a process ({@code start-dev},
 * in-memory database, 127.0.0.1, free ports) on the JDK running the tests. ONE instance per JVM: every test class of a
 * module's failsafe run shares it through {@link #shared()}; a shutdown hook stops it. Realms are imported from JSON
 * files through the admin API ({@link #importRealm}), once each. Without the zip, {@link #shared()} skips the test
 * (a JUnit assumption) instead of failing it.
 *
 * <p><b>Restart</b> ({@link #stop(Stop)}, {@link #startAgain()}, {@link #restart(Stop)}): stops the process either
 * gracefully ({@link Stop#GRACEFUL}: SIGTERM to Keycloak's java process and its {@code kc.sh} wrapper, then waits
 * for both to exit, at most {@code -Dkeycloak.stop.timeout}, default 2 minutes) or hard ({@link Stop#KILL}: SIGKILL,
 * {@code Process.destroyForcibly}, to the java process first, then to the wrapper, so no Keycloak survives its
 * wrapper), and starts it again with the same command: same home, providers (not copied again: a provider jar is
 * copied only when its content differs, since a new file date makes Keycloak re-run its build step), ports,
 * arguments (so the same provider settings, e.g. a usage queue directory) and environment; the log is appended to
 * the same file after a marker line. Keycloak runs on {@code dev-mem}, so a restart loses every realm, user and
 * session: callers re-create what they need (e.g. {@link #importRealm} again). Files providers keep outside the
 * database survive. Restarting {@link #shared()} would take every realm of the other test classes with it: a test
 * that restarts Keycloak starts one of its own with {@link #start(Launch)}.
 *
 * <p>Start timeout: {@code -Dkeycloak.start.timeout} (ISO-8601, e.g. {@code PT8M}, or seconds), default 8 minutes
 * (a first start includes Keycloak's build step; a 4-minute limit was too short on a loaded machine).
 */
public final class KeycloakHarness {
  /** The Keycloak version the tests run against. */
  public static final String VERSION = "26.7.3";
  public static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = "panosc-test-admin";
  /** System property: how long a start may take (ISO-8601 duration or seconds); default 8 minutes. */
  public static final String START_TIMEOUT_PROPERTY = "keycloak.start.timeout";
  /** System property: how long a graceful stop may take (ISO-8601 duration or seconds); default 2 minutes. */
  public static final String STOP_TIMEOUT_PROPERTY = "keycloak.stop.timeout";
  static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(8);
  static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofMinutes(2);
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static KeycloakHarness instance;
  private static Throwable failed;

  /** How {@link #stop(Stop)} ends the process. */
  public enum Stop {
    /** SIGTERM to Keycloak's java process and its wrapper; Keycloak shuts down (providers' {@code close()} run). */
    GRACEFUL,
    /** SIGKILL ({@code kill -9}) to the java process, then the wrapper: nothing of Keycloak runs any more code. */
    KILL
  }

  private final Launch launch;
  private final Path home;
  private final List<String> command;
  private final String baseUrl;
  private final Path log;
  private volatile Process process;
  private volatile Duration startTime;

  private KeycloakHarness(Launch launch, Path home, List<String> command, String baseUrl, Path log) {
    this.launch = launch;
    this.home = home;
    this.command = List.copyOf(command);
    this.baseUrl = baseUrl;
    this.log = log;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Process p = process;
      if (p != null) {
        stopQuietly(p);
      }
    }, "keycloak-stop"));
  }

  /**
   * The JVM's Keycloak, started on the first call (later calls wait for that start and share it). Skips the calling
   * test when the distribution zip is missing; fails it when Keycloak does not start (with its log's tail).
   */
  public static synchronized KeycloakHarness shared() {
    Path zip = distributionZip();
    Assumptions.assumeTrue(Files.isRegularFile(zip), "Keycloak " + VERSION + " distribution not found at " + zip
        + " (fetch it with: ./mvnw dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip)");
    if (instance != null) {
      return instance;
    }
    if (failed != null) {
      throw new IllegalStateException("Keycloak failed to start earlier in this JVM", failed);
    }
    try {
      instance = start(zip, Launch.PLAIN);
      return instance;
    } catch (Exception | Error e) {
      failed = e;
      throw e instanceof RuntimeException r ? r : new IllegalStateException("starting Keycloak failed", e);
    }
  }

  /** The zip: {@code -Dkeycloak.dist.zip}, else the local Maven repository's copy. */
  static Path distributionZip() {
    String given = System.getProperty("keycloak.dist.zip");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    String repo = System.getProperty("maven.repo.local");
    Path m2 = repo != null && !repo.isBlank() ? Path.of(repo)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
    return m2.resolve(Path.of("org", "keycloak", "keycloak-quarkus-dist", VERSION,
        "keycloak-quarkus-dist-" + VERSION + ".zip"));
  }

  /**
   * How to launch a Keycloak: the name of its home directory under the cache ({@code keycloak-<VERSION>} for the plain
   * one; a Keycloak with other providers needs a home of its own, since a change of {@code providers/} makes Keycloak
   * re-run its build step), the provider jars copied into its {@code providers/} (replacing a file of the same name
   * only when its content differs, so an unchanged jar does not trigger that build again) and extra
   * {@code kc.sh start-dev} arguments.
   */
  public record Launch(String home, List<Path> providers, List<String> arguments) {
    /** The plain Keycloak of {@link #shared()}. */
    public static final Launch PLAIN = new Launch("keycloak-" + VERSION, List.of(), List.of());

    public Launch {
      if (!home.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("home must be a plain directory name: " + home);
      }
      providers = List.copyOf(providers);
      arguments = List.copyOf(arguments);
    }
  }

  /**
   * Starts a further Keycloak as {@code launch} says (the caller keeps it and stops it with {@link #stop(Stop)}; a
   * shutdown hook stops it otherwise). Skips the calling test when the distribution zip is missing. Two Keycloaks of
   * the same home may run at once, each with its own ports and in-memory database, when their providers and build
   * options are the same (runtime options such as provider settings may differ): then neither re-runs the build
   * step, which would rewrite the libraries under the other one.
   */
  public static KeycloakHarness start(Launch launch) throws Exception {
    Path zip = distributionZip();
    Assumptions.assumeTrue(Files.isRegularFile(zip), "Keycloak " + VERSION + " distribution not found at " + zip
        + " (fetch it with: ./mvnw dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip)");
    return start(zip, launch);
  }

  private static KeycloakHarness start(Path zip, Launch launch) throws Exception {
    Path cache = Path.of(System.getProperty("keycloak.cache",
        Path.of(System.getProperty("user.home"), ".cache", "panosc-tests").toString()));
    Files.createDirectories(cache);
    Path home = cache.resolve(launch.home());
    int port = freePort();
    int management = freePort();
    Path log = Path.of("target", "keycloak-" + port + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
        "--db", "dev-mem", "--http-host", "127.0.0.1", "--http-port", Integer.toString(port),
        "--http-management-port", Integer.toString(management)));
    command.addAll(launch.arguments());
    KeycloakHarness keycloak = new KeycloakHarness(launch, home, command, "http://127.0.0.1:" + port, log);
    keycloak.launch(zip, false);
    return keycloak;
  }

  /**
   * Starts the process (after {@link #stop(Stop)}, again): under the home's lock, unpacks the zip if needed, copies
   * the providers whose content differs, starts {@code kc.sh} and waits until the master realm answers.
   */
  private void launch(Path zip, boolean again) throws Exception {
    Path cache = home.getParent();
    Instant begin = Instant.now();
    Duration timeout = duration(START_TIMEOUT_PROPERTY, DEFAULT_START_TIMEOUT);
    // the lock keeps two builds (modules run in parallel) from unpacking or re-building one directory at once
    try (FileChannel channel = FileChannel.open(cache.resolve(launch.home() + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
        unzip(zip, cache, home);
      }
      for (Path jar : launch.providers()) {
        Path target = home.resolve("providers").resolve(jar.getFileName());
        // an unchanged jar keeps its file date: Keycloak re-runs its build step (a minute) when a provider jar's
        // date changes, and a second Keycloak of this home may be running on these libraries
        if (!Files.isRegularFile(target) || Files.mismatch(jar, target) != -1L) {
          Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (again) {
        Files.writeString(log, System.lineSeparator() + "===== KeycloakHarness: started again at " + begin + " ====="
            + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      } else {
        pb.redirectOutput(log.toFile());
      }
      Map<String, String> env = pb.environment();
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
      env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
      env.remove("JAVA_OPTS");
      // a test IdP serves a handful of logins: start fast on a busy machine (C1 only) rather than reach peak speed
      env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
      Process started = pb.start();
      process = started;
      Instant deadline = begin.plus(timeout);
      while (true) {
        if (!started.isAlive()) {
          throw new IllegalStateException("Keycloak exited with " + started.exitValue() + " while starting; its log "
              + log + " ends with:\n" + tail(log));
        }
        if (Instant.now().isAfter(deadline)) {
          stopQuietly(started);
          throw new IllegalStateException("Keycloak did not start within " + timeout + " (-D"
              + START_TIMEOUT_PROPERTY + "); its log " + log + " ends with:\n" + tail(log));
        }
        try {
          if (CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master")).timeout(Duration.ofSeconds(5))
              .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      startTime = Duration.between(begin, Instant.now());
      System.out.println("KeycloakHarness: Keycloak " + VERSION + (again ? " started again" : "") + " ready at "
          + baseUrl + " after " + startTime.toMillis() + " ms (log " + log + ")");
    }
  }

  /**
   * Stops the process: {@link Stop#GRACEFUL} sends SIGTERM and waits for Keycloak's shutdown (at most
   * {@code -Dkeycloak.stop.timeout}, default 2 minutes; longer fails, after killing it); {@link Stop#KILL} kills
   * the java process and its wrapper with SIGKILL and waits until they are gone. Answers the wrapper's exit code (it
   * passes on the java process's: 143 after SIGTERM; 137 after SIGKILL). Calling it on a stopped Keycloak fails.
   */
  public synchronized int stop(Stop how) throws InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("Keycloak at " + baseUrl + " is not running");
    }
    List<ProcessHandle> javas = p.descendants().toList();
    Duration timeout = how == Stop.KILL ? Duration.ofMinutes(1) : duration(STOP_TIMEOUT_PROPERTY,
        DEFAULT_STOP_TIMEOUT);
    if (how == Stop.KILL) {
      // the java process first: killing only the wrapper would leave Keycloak running as an orphan
      javas.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    } else if (javas.isEmpty()) {
      p.destroy(); // kc.sh exec'd java itself (after a re-augmentation): the process is Keycloak
    } else {
      javas.forEach(ProcessHandle::destroy); // the wrapper exits with its child
    }
    Instant deadline = Instant.now().plus(timeout);
    List<ProcessHandle> all = new ArrayList<>(javas);
    all.add(p.toHandle());
    for (ProcessHandle h : all) {
      while (h.isAlive()) {
        if (Instant.now().isAfter(deadline)) {
          all.forEach(ProcessHandle::destroyForcibly);
          throw new IllegalStateException("Keycloak at " + baseUrl + " did not stop within " + timeout + " after "
              + (how == Stop.KILL ? "SIGKILL" : "SIGTERM (-D" + STOP_TIMEOUT_PROPERTY + ")") + "; killed it");
        }
        Thread.sleep(50);
      }
    }
    System.out.println("KeycloakHarness: Keycloak at " + baseUrl + " stopped (" + how + "), wrapper exit "
        + p.exitValue());
    return p.exitValue();
  }

  /** Starts the stopped Keycloak again, as it was started first (see the class comment). */
  public synchronized void startAgain() throws Exception {
    Process p = process;
    if (p != null && p.isAlive()) {
      throw new IllegalStateException("Keycloak at " + baseUrl + " is still running: stop it first");
    }
    launch(distributionZip(), true);
  }

  /** {@link #stop(Stop)}, then {@link #startAgain()}. */
  public void restart(Stop how) throws Exception {
    stop(how);
    startAgain();
  }

  /** Whether the Keycloak process is running. */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The pid of Keycloak's java process (the child of its {@code kc.sh}; the wrapper's own when it has none). */
  public long javaPid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("Keycloak at " + baseUrl + " was never started");
    }
    return p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(p.pid());
  }

  /** {@code -D<property>}: ISO-8601 ({@code PT8M}) or whole seconds; {@code fallback} when unset. */
  static Duration duration(String property, Duration fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    Duration d;
    try {
      d = v.trim().matches("[0-9]{1,9}") ? Duration.ofSeconds(Long.parseLong(v.trim())) : Duration.parse(v.trim());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("-D" + property + "=" + v + " is not a duration (seconds, or ISO-8601 such"
          + " as PT8M)", e);
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("-D" + property + "=" + v + " must be positive");
    }
    return d;
  }

  private static void unzip(Path zip, Path cache, Path home) throws IOException {
    Path tmp = Files.createTempDirectory(cache, "unpack-");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = tmp.resolve(e.getName()).normalize();
        if (!target.startsWith(tmp)) {
          throw new IOException("zip entry outside the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          if (e.getName().endsWith(".sh")) {
            Files.setPosixFilePermissions(target, EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_EXECUTE));
          }
        }
      }
    }
    Path unpacked = tmp.resolve("keycloak-" + VERSION);
    if (!Files.isDirectory(unpacked)) {
      throw new IOException(zip + " holds no keycloak-" + VERSION + " directory");
    }
    Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(tmp);
  }

  private static void stopQuietly(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Keycloak's base URL, e.g. {@code http://127.0.0.1:40123}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The log file of the process. */
  public Path log() {
    return log;
  }

  /** How long the last start took (unpacking, a first build if any, and boot). */
  public Duration startTime() {
    return startTime;
  }

  /** The URL of {@code realm}'s SAML IdP metadata (its descriptor). */
  public String samlDescriptor(String realm) {
    return baseUrl + "/realms/" + realm + "/protocol/saml/descriptor";
  }

  /** A fresh admin access token (master realm, admin-cli). */
  public String adminToken() {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl
            + "/realms/master/protocol/openid-connect/token")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=" + ADMIN
            + "&password=" + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8))).build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("Keycloak admin login answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getString("access_token");
  }

  /**
   * Calls the admin REST API ({@code /admin/realms...}): {@code method} on {@code path} with a JSON (or, for a
   * string body not starting with '{' or '[', plain text) body or none.
   */
  public HttpResponse<String> admin(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/admin" + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + adminToken());
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      String type = body.startsWith("{") || body.startsWith("[") ? "application/json" : "text/plain";
      b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return send(b.build());
  }

  /** Imports the realm in {@code json} (a realm representation, e.g. an export) unless a realm of its name exists. */
  public synchronized String importRealm(Path json) throws IOException {
    JsonObject realm = new JsonObject(Files.readString(json));
    String name = realm.getString("realm");
    if (admin("GET", "/realms/" + name, null).statusCode() == 200) {
      return name;
    }
    HttpResponse<String> r = admin("POST", "/realms", realm.encode());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("importing realm " + name + " from " + json + " answered " + r.statusCode()
          + ": " + r.body());
    }
    return name;
  }

  /** As {@link #importRealm(Path)}, the JSON read from a class-path resource. */
  public String importRealm(String resource) throws IOException {
    try (InputStream in = KeycloakHarness.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no resource " + resource);
      }
      Path tmp = Files.createTempFile("realm-", ".json");
      try {
        Files.write(tmp, in.readAllBytes());
        return importRealm(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Creates a client in {@code realm} from a client description Keycloak understands (SAML SP metadata, an OIDC
   * client registration), as its admin console's import does, with {@code attributes} set on top (e.g. Keycloak's
   * {@code saml.encryption.algorithm}); answers the client's internal id. An existing client of the same clientId is
   * replaced.
   */
  public String clientFromDescription(String realm, String description, Map<String, String> attributes) {
    HttpResponse<String> converted = admin("POST", "/realms/" + realm + "/client-description-converter", description);
    if (converted.statusCode() != 200) {
      throw new IllegalStateException("Keycloak could not read the client description: " + converted.statusCode()
          + " " + converted.body());
    }
    JsonObject client = new JsonObject(converted.body());
    JsonObject attrs = client.getJsonObject("attributes", new JsonObject());
    attributes.forEach(attrs::put);
    client.put("attributes", attrs);
    String clientId = client.getString("clientId");
    JsonArray existing = new JsonArray(admin("GET", "/realms/" + realm + "/clients?clientId="
        + URLEncoder.encode(clientId, StandardCharsets.UTF_8), null).body());
    for (Object o : existing) {
      admin("DELETE", "/realms/" + realm + "/clients/" + ((JsonObject) o).getString("id"), null);
    }
    HttpResponse<String> created = admin("POST", "/realms/" + realm + "/clients", client.encode());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Keycloak refused the client: " + created.statusCode() + " " + created.body());
    }
    String location = created.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
