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
 */
public final class KeycloakHarness {
  /** The Keycloak version the tests run against. */
  public static final String VERSION = "26.7.3";
  public static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = "panosc-test-admin";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static KeycloakHarness instance;
  private static Throwable failed;

  private final Process process;
  private final String baseUrl;
  private final Path log;
  private final Duration startTime;

  private KeycloakHarness(Process process, String baseUrl, Path log, Duration startTime) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.log = log;
    this.startTime = startTime;
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
   * re-run its build step), the provider jars copied into its {@code providers/} (replacing what was there) and extra
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
   * Starts a further Keycloak as {@code launch} says (the caller keeps it, one per JVM; a shutdown hook stops it).
   * Skips the calling test when the distribution zip is missing.
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
    Instant begin = Instant.now();
    // the lock keeps two builds (modules run in parallel) from unpacking or re-building one directory at once
    try (FileChannel channel = FileChannel.open(cache.resolve(launch.home() + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
        unzip(zip, cache, home);
      }
      for (Path jar : launch.providers()) {
        Files.copy(jar, home.resolve("providers").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
          "--db", "dev-mem", "--http-host", "127.0.0.1", "--http-port", Integer.toString(port),
          "--http-management-port", Integer.toString(management)));
      command.addAll(launch.arguments());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.put("JAVA_HOME", System.getProperty("java.home"));
      env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
      env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
      env.remove("JAVA_OPTS");
      // a test IdP serves a handful of logins: start fast on a busy machine (C1 only) rather than reach peak speed
      env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
      Process process = pb.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "keycloak-stop"));
      String base = "http://127.0.0.1:" + port;
      Instant deadline = begin.plus(START_TIMEOUT);
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting; its log "
              + log + " ends with:\n" + tail(log));
        }
        if (Instant.now().isAfter(deadline)) {
          stop(process);
          throw new IllegalStateException("Keycloak did not start within " + START_TIMEOUT + "; its log " + log
              + " ends with:\n" + tail(log));
        }
        try {
          if (CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/realms/master")).timeout(Duration.ofSeconds(5))
              .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      Duration took = Duration.between(begin, Instant.now());
      System.out.println("KeycloakHarness: Keycloak " + VERSION + " ready at " + base + " after " + took.toMillis()
          + " ms (log " + log + ")");
      return new KeycloakHarness(process, base, log, took);
    }
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

  private static void stop(Process process) {
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

  /** How long the start took (unpacking, a first build if any, and boot). */
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
