package eu.panosc.benchmarks.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Load driver for one HTTP endpoint, in one of two modes: {@code --mode token} (default), an OAuth 2.0
 * token endpoint receiving {@code client_credentials} grants (or the form in {@code --form-file}, e.g. a
 * token exchange, or in turn each line of {@code --forms-file}, e.g. exchanges of distinct subject tokens)
 * with {@code client_secret_basic}; {@code --mode authzen}, an AuthZEN evaluation endpoint
 * receiving the JSON of {@code --body-file} with a bearer token, each answer's decision(s) checked against
 * {@code --expect}. Requests go over a fixed number of HTTP/1.1 keep-alive connections (Vert.x
 * {@code HttpClientAgent}, pool size = connections). Not a JMH benchmark: it measures a server running in
 * another process. {@code benchmarks/token-benchmark.sh} measures throughput and server CPU with the native
 * {@code wrk}; with {@code BENCH_LATENCY=1} it also runs this driver against both servers, with the same
 * settings, for latency at 80 % of saturation, and {@code compare} joins those results.
 *
 * <p>Phases, for one target:
 * <ol>
 *   <li><b>warm-up</b>: closed loop, {@code connections} requests in flight, {@code --warmup} seconds,
 *       answers checked but not recorded;</li>
 *   <li><b>saturation</b>: the same closed loop, continued without a gap, {@code --duration} seconds:
 *       throughput = checked answers completed in the window / window length;</li>
 *   <li><b>constant rate</b>: open loop at {@code --rate-fraction} (0.8) of that throughput for
 *       {@code --duration} seconds, after a {@code --settle} (2 s) unrecorded start. Request {@code i} is
 *       <em>due</em> at {@code start + i / rate}; its latency is measured from that due time, not from
 *       when it was actually sent, so time spent waiting for a free connection or behind a late scheduler
 *       counts (no coordinated omission). Requests beyond {@code connections} in flight queue in the
 *       client's connection pool. For each request the driver also records its own delay: from the due
 *       time to when its event loop started the request (large values mean the driver was late, not the
 *       server); {@code --timeline FILE} writes a CSV per 100 ms of due times (see {@code OpenLoop}).</li>
 * </ol>
 *
 * <p>Every answer is checked. In token mode: HTTP 200, a JSON body with a string {@code access_token} that is a compact
 * JWS whose protected header (first segment, base64url-decoded) has {@code "alg":"ES256"}, and
 * {@code token_type} {@code Bearer} (case-insensitive). Anything else, including timeouts and connection
 * errors, is an error; the run writes its JSON and exits 1 when there was any error.
 *
 * <pre>
 * java -cp benchmarks.jar eu.panosc.benchmarks.http.TokenLoad run --name aai-broker \
 *   --url http://127.0.0.1:18080/aai/token --client-id resource-broker --client-secret ... \
 *   --scope pdp:evaluate --connections 16 --warmup 10 --duration 20 [--server-pid PID] [--timeline t.csv] \
 *   --out ours.json
 * java -cp benchmarks.jar eu.panosc.benchmarks.http.TokenLoad run --name aai-broker \
 *   --url http://127.0.0.1:18080/aai/token --client-id scicat-esrf --client-secret ... --forms-file exchanges.txt \
 *   --out ours-exchange.json
 * java -cp benchmarks.jar eu.panosc.benchmarks.http.TokenLoad run --name pdp --mode authzen \
 *   --url http://127.0.0.1:18080/pdp/access/v1/evaluation --bearer ... --body-file eval.json --expect true \
 *   --connections 16 --out pdp.json
 * java -cp benchmarks.jar eu.panosc.benchmarks.http.TokenLoad compare \
 *   --ours.client_credentials ours.json --peer.client_credentials kc.json \
 *   [--ours.token_exchange ours-x.json --peer.token_exchange kc-x.json] [--signing jmh.json] --out result.json
 * </pre>
 */
public final class TokenLoad {

  private TokenLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: TokenLoad run|compare --option value ...  (see the class Javadoc)");
      System.exit(2);
    }
    // logback without a configuration logs Netty's and Vert.x's DEBUG lines; the driver's own output is stderr
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
    int status = switch (args[0]) {
      case "run" -> run(opts);
      case "compare" -> Compare.compare(opts);
      default -> {
        System.err.println("TokenLoad: unknown command " + args[0] + " (run or compare)");
        yield 2;
      }
    };
    System.exit(status);
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      map.put(args[i].substring(2), args[++i]);
    }
    return map;
  }

  static String required(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  // ---------------------------------------------------------------------------------------------- run

  private static int run(Map<String, String> opts) throws Exception {
    String name = required(opts, "name");
    URI url = URI.create(required(opts, "url"));
    String mode = opts.getOrDefault("mode", "token");
    int connections = Integer.parseInt(opts.getOrDefault("connections", "16"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "10"));
    int duration = Integer.parseInt(opts.getOrDefault("duration", "20"));
    int settle = Integer.parseInt(opts.getOrDefault("settle", "2"));
    double fraction = Double.parseDouble(opts.getOrDefault("rate-fraction", "0.8"));
    long serverPid = Long.parseLong(opts.getOrDefault("server-pid", "0"));
    Path out = Path.of(required(opts, "out"));
    Path timeline = opts.containsKey("timeline") ? Path.of(opts.get("timeline")) : null;

    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
        .putHeader(HttpHeaders.ACCEPT, "application/json")
        .setIdleTimeout(30_000);
    List<Buffer> bodies;
    Checker checker;
    String clientId = null;
    String scope = null;
    String grantType = null;
    int perRequest = 1;
    switch (mode) {
      case "token" -> {
        clientId = required(opts, "client-id");
        String secret = required(opts, "client-secret");
        scope = opts.get("scope");
        // RFC 6749 §2.3.1: id and secret are form-urlencoded, then Base64
        String basic = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(secret))
            .getBytes(StandardCharsets.UTF_8));
        List<String> grants = opts.containsKey("forms-file")
            ? Files.readAllLines(Path.of(opts.get("forms-file")), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty()).toList()
            : List.of(opts.containsKey("form-file")
                ? Files.readString(Path.of(opts.get("form-file")), StandardCharsets.UTF_8).strip()
                : "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + form(scope)));
        if (grants.isEmpty()) {
          throw new IllegalArgumentException("--forms-file " + opts.get("forms-file") + " has no form");
        }
        bodies = grants.stream().map(Buffer::buffer).toList();
        grantType = grantType(grants.get(0));
        request.putHeader(HttpHeaders.AUTHORIZATION, basic)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded");
        checker = AnswerChecks::tokenProblem;
      }
      case "authzen" -> {
        String bearer = required(opts, "bearer");
        Buffer body = Buffer.buffer(Files.readString(Path.of(required(opts, "body-file")), StandardCharsets.UTF_8));
        bodies = List.of(body);
        boolean expect = Boolean.parseBoolean(required(opts, "expect"));
        JsonObject json = body.toJsonObject();
        perRequest = json.containsKey("evaluations") ? json.getJsonArray("evaluations").size() : 1;
        int items = perRequest;
        request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        checker = (status, b) -> AnswerChecks.decisionProblem(status, b, expect, items);
      }
      default -> throw new IllegalArgumentException("--mode must be token or authzen, not " + mode);
    }

    Vertx vertx = Vertx.vertx();
    HttpClientAgent client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setConnectTimeout(10_000))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        .build();
    // every request is sent from this one event-loop context, so its connections, callbacks and response
    // bodies all stay on one thread (the driver needs far less than one core)
    Target target = new Target(client, request, bodies, vertx.getOrCreateContext(), checker);
    JsonObject result = new JsonObject().put("name", name).put("url", url.toString()).put("mode", mode)
        .put("clientId", clientId).put("scope", scope).put("grantType", grantType)
        .put("decisionsPerRequest", perRequest).put("distinctBodies", bodies.size())
        .put("connections", connections).put("warmupSeconds", warmup)
        .put("durationSeconds", duration).put("settleSeconds", settle).put("rateFraction", fraction)
        .put("started", Instant.now().toString()).put("driverJava", Runtime.version().toString())
        .put("serverPid", serverPid);
    try {
      log(name, "warm-up: closed loop, %d connections, %d s", connections, warmup);
      ClosedLoop loop = new ClosedLoop(target, connections);
      loop.start();
      sleepSeconds(warmup);
      log(name, "saturation: closed loop, %d connections, %d s", connections, duration);
      Probe probe = Probe.start(serverPid);
      Recorder closed = loop.record();
      sleepSeconds(duration);
      Phase saturation = closed.stop(probe);
      loop.stopAndDrain();
      result.put("saturation", saturation.json());
      log(name, "saturation: %.1f grants/s, p50 %.2f ms, p99 %.2f ms, errors %d",
          saturation.throughput(), saturation.p(0.50), saturation.p(0.99), target.errors.get());

      double rate = saturation.throughput() * fraction;
      if (rate < 1) {
        throw new IllegalStateException("saturation throughput " + saturation.throughput() + "/s is too low to pace");
      }
      log(name, "constant rate: open loop at %.1f/s (%.0f %% of saturation), %d s + %d s settle",
          rate, fraction * 100, duration, settle);
      Phase open = OpenLoop.run(target, rate, settle, duration, serverPid, timeline);
      result.put("constantRate", open.json().put("targetRate", round(rate, 1)));
      log(name, "constant rate: achieved %.1f/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
          open.throughput(), open.p(0.50), open.p(0.99), open.p(0.999), open.max());
    } catch (RuntimeException | InterruptedException | IOException e) {
      target.error("driver: " + e);
      result.put("aborted", e.toString());
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    result.put("checked", target.ok.get()).put("errors", target.errors.get())
        .put("errorSamples", new JsonArray(List.copyOf(target.errorSamples)))
        .put("finished", Instant.now().toString());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, result.encodePrettily() + "\n");
    if (target.errors.get() > 0) {
      System.err.printf(Locale.ROOT, "TokenLoad[%s]: %d errors (first: %s); result %s%n", name, target.errors.get(),
          target.errorSamples, out);
      return 1;
    }
    log(name, "%d answers checked, 0 errors; result %s", target.ok.get(), out);
    return 0;
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The {@code grant_type} of a form body (for the result file; the body itself may hold a token). */
  static String grantType(String formBody) {
    for (String pair : formBody.split("&")) {
      if (pair.startsWith("grant_type=")) {
        return java.net.URLDecoder.decode(pair.substring("grant_type=".length()), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static void log(String name, String format, Object... args) {
    System.err.printf(Locale.ROOT, "TokenLoad[%s] %s " + format + "%n",
        concat(new Object[] {name, Instant.now().toString().substring(11, 19)}, args));
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static void sleepSeconds(int s) throws InterruptedException {
    Thread.sleep(s * 1000L);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
