package eu.panosc.broker.driver.local;

import eu.panosc.broker.driver.LaunchSpec;
import eu.panosc.broker.driver.Observation;
import eu.panosc.broker.driver.SessionDriver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sessions on this machine, for {@code panosc up --demo} and a newcomer's first session: either a configured
 * command (e.g. {@code jupyter lab}) started on a free port, or, without a command, a small built-in web page showing
 * the session's datasets. A session is READY once its port answers HTTP. The built-in page answers only requests
 * carrying the session's access secret, as a bearer token or as the password of HTTP Basic authentication (so a
 * browser asks for it; any user name); a command receives the secret as a file
 * ({@code {secretFile}}), never in its arguments or environment.
 *
 * <p>Placeholders in the command: {@code {port}}, {@code {secretFile}}, {@code {session}}, {@code {workDir}},
 * {@code {basePath}} (the path the broker's proxy serves the session under, {@code /broker/s/<id>/}).
 */
public final class LocalProcessDriver implements SessionDriver {
  private static final Logger LOG = LoggerFactory.getLogger(LocalProcessDriver.class);

  private final Vertx vertx;
  private final List<String> command;
  private final Path workRoot;
  private final String host;
  private final WebClient web;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  private sealed interface Running permits Page, Process {
    int port();

    String secret();
  }

  private record Page(HttpServer server, int port, String secret) implements Running {}

  private record Process(java.lang.Process process, int port, Path dir, String secret) implements Running {}

  /** {@code command} empty: the built-in page. {@code workRoot}: where each session gets its directory. */
  public LocalProcessDriver(Vertx vertx, List<String> command, Path workRoot) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.command = List.copyOf(command);
    this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    this.host = "127.0.0.1";
    this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(1000).setIdleTimeout(2)
        .setFollowRedirects(false));
  }

  @Override
  public Future<Void> start(LaunchSpec spec) {
    String id = spec.session().id();
    if (running.containsKey(id)) {
      return Future.succeededFuture();
    }
    if (spec.secret().isEmpty()) {
      return Future.failedFuture(new IllegalStateException(
          "the session's access secret did not reach this machine before the broker restarted"));
    }
    return command.isEmpty() ? page(spec) : process(spec);
  }

  private Future<Void> page(LaunchSpec spec) {
    byte[] expected = spec.secret().get().getBytes(StandardCharsets.UTF_8);
    String html = BuiltInPage.html(spec);
    HttpServer server = vertx.createHttpServer();
    server.requestHandler(req -> answer(req, expected, html));
    return server.listen(0, host).map(s -> {
      Running previous = running.putIfAbsent(spec.session().id(), new Page(s, s.actualPort(), spec.secret().get()));
      if (previous != null) {
        s.close();
      }
      return null;
    });
  }

  private static void answer(HttpServerRequest req, byte[] expected, String html) {
    byte[] given = presented(req.getHeader("Authorization"));
    if (given == null || !MessageDigest.isEqual(expected, given)) {
      req.response().headers().add("WWW-Authenticate", "Basic realm=\"panosc-session\", charset=\"UTF-8\"")
          .add("WWW-Authenticate", "Bearer realm=\"panosc-session\"");
      req.response().setStatusCode(401).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("Send this session's access secret as a bearer token, or as the password (any user name).\n");
      return;
    }
    req.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(html);
  }

  /** The secret a request presents: a bearer token, or the password of Basic authentication (RFC 7617). */
  static byte[] presented(String authorization) {
    if (authorization == null) {
      return null;
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).getBytes(StandardCharsets.UTF_8);
    }
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).trim()),
            StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon < 0 ? null : pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private Future<Void> process(LaunchSpec spec) {
    String id = spec.session().id();
    return vertx.executeBlocking(() -> {
      Path dir = Files.createDirectories(workRoot.resolve(id));
      Path secretFile = dir.resolve("access-secret");
      Files.deleteIfExists(secretFile);
      Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(secretFile, spec.secret().get());
      int port = freePort();
      List<String> args = new ArrayList<>();
      for (String a : command) {
        args.add(a.replace("{port}", Integer.toString(port)).replace("{secretFile}", secretFile.toString())
            .replace("{session}", id).replace("{workDir}", dir.toString())
            .replace("{basePath}", "/broker/s/" + id + "/"));
      }
      ProcessBuilder pb = new ProcessBuilder(args).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(dir.resolve("output.log").toFile());
      java.lang.Process p = pb.start();
      running.put(id, new Process(p, port, dir, spec.secret().get()));
      LOG.info("session {}: started local process {} on port {}", id, p.pid(), port);
      return null;
    }, false);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public Future<Observation> observe(String sessionId) {
    Running r = running.get(sessionId);
    if (r == null) {
      return Future.succeededFuture(Observation.absent());
    }
    if (r instanceof Process p && !p.process().isAlive()) {
      return Future.succeededFuture(Observation.failed("the session's process exited with status "
          + p.process().exitValue()));
    }
    String url = "http://" + host + ":" + r.port() + "/";
    // READY once the port answers HTTP at all (the page itself wants the secret)
    return web.getAbs(url).timeout(2000).send().map(resp -> Observation.ready(url))
        .otherwise(e -> Observation.starting());
  }

  @Override
  public Future<java.util.Optional<eu.panosc.broker.driver.Upstream>> upstream(String sessionId) {
    Running r = running.get(sessionId);
    return Future.succeededFuture(r == null ? java.util.Optional.empty()
        : java.util.Optional.of(eu.panosc.broker.driver.Upstream.bearer(host, r.port(), r.secret())));
  }

  @Override
  public Future<Void> stop(String sessionId) {
    Running r = running.remove(sessionId);
    if (r == null) {
      return Future.succeededFuture();
    }
    if (r instanceof Page p) {
      return p.server().close();
    }
    Process p = (Process) r;
    return vertx.executeBlocking(() -> {
      p.process().destroy();
      if (!p.process().waitFor(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
        p.process().destroyForcibly();
      }
      Files.deleteIfExists(p.dir().resolve("access-secret"));
      return null;
    }, false);
  }

  @Override
  public Future<Set<String>> sessions() {
    return Future.succeededFuture(Set.copyOf(running.keySet()));
  }

  @Override
  public Future<Void> probe() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    for (String id : List.copyOf(running.keySet())) {
      all.add(stop(id));
    }
    web.close();
    return Future.join(all).mapEmpty();
  }
}
