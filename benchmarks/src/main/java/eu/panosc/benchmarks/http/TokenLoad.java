package eu.panosc.benchmarks.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load driver for one HTTP endpoint, in one of two modes: {@code --mode token} (default), an OAuth 2.0
 * token endpoint receiving {@code client_credentials} grants (or the form in {@code --form-file}, e.g. a
 * token exchange) with {@code client_secret_basic}; {@code --mode authzen}, an AuthZEN evaluation endpoint
 * receiving the JSON of {@code --body-file} with a bearer token, each answer's decision(s) checked against
 * {@code --expect}. Requests go over a fixed number of HTTP/1.1 keep-alive connections (Vert.x
 * {@code HttpClientAgent}, pool size = connections). Not a JMH benchmark: it measures a server running in
 * another process. The peer (Keycloak) is measured by the same driver, with the same settings, in the same
 * run of {@code benchmarks/token-benchmark.sh}; {@code compare} then reports the ratio.
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
 *   --url http://127.0.0.1:18080/aai/token --client-id scicat-esrf --client-secret ... --form-file exchange.form \
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
  private static final int MAX_ERROR_SAMPLES = 5;

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
    Buffer body;
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
        String grant = opts.containsKey("form-file")
            ? Files.readString(Path.of(opts.get("form-file")), StandardCharsets.UTF_8).strip()
            : "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + form(scope));
        body = Buffer.buffer(grant);
        grantType = grantType(grant);
        request.putHeader(HttpHeaders.AUTHORIZATION, basic)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded");
        checker = Target::tokenProblem;
      }
      case "authzen" -> {
        String bearer = required(opts, "bearer");
        body = Buffer.buffer(Files.readString(Path.of(required(opts, "body-file")), StandardCharsets.UTF_8));
        boolean expect = Boolean.parseBoolean(required(opts, "expect"));
        JsonObject json = body.toJsonObject();
        perRequest = json.containsKey("evaluations") ? json.getJsonArray("evaluations").size() : 1;
        int items = perRequest;
        request.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        checker = (status, b) -> Target.decisionProblem(status, b, expect, items);
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
    Target target = new Target(client, request, body, vertx.getOrCreateContext(), checker);
    JsonObject result = new JsonObject().put("name", name).put("url", url.toString()).put("mode", mode)
        .put("clientId", clientId).put("scope", scope).put("grantType", grantType)
        .put("decisionsPerRequest", perRequest)
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

  // ------------------------------------------------------------------------------------------ target

  /** Checks one answer: null when it is right, else what is wrong. */
  @FunctionalInterface
  interface Checker {
    String problem(int status, Buffer body);
  }

  /** One endpoint: sends the request and checks its answer. */
  static final class Target {
    final HttpClientAgent client;
    final RequestOptions request;
    final Buffer body;
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    final Context context;
    final Checker checker;

    Target(HttpClientAgent client, RequestOptions request, Buffer body, Context context, Checker checker) {
      this.client = client;
      this.request = request;
      this.body = body;
      this.context = context;
      this.checker = checker;
    }

    /** Completes with true when the answer passed every check, false (and an error counted) otherwise. */
    Future<Boolean> call() {
      return client.request(request)
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().map(b -> check(resp.statusCode(), b)))
          .otherwise(e -> {
            error("request failed: " + e);
            return false;
          });
    }

    private boolean check(int status, Buffer b) {
      String problem = checker.problem(status, b);
      if (problem == null) {
        ok.incrementAndGet();
        return true;
      }
      error(problem);
      return false;
    }

    /**
     * Null when the answer is an AuthZEN decision equal to {@code expect} (for a batch: {@code items}
     * decisions, all equal to it), else what is wrong.
     */
    static String decisionProblem(int status, Buffer b, boolean expect, int items) {
      if (status != 200) {
        return "HTTP " + status + ": " + abbreviate(b.toString());
      }
      try {
        JsonObject json = b.toJsonObject();
        if (json.containsKey("evaluations")) {
          JsonArray answers = json.getJsonArray("evaluations");
          if (answers.size() != items) {
            return answers.size() + " decisions for " + items + " items";
          }
          for (int i = 0; i < answers.size(); i++) {
            if (!Boolean.valueOf(expect).equals(answers.getJsonObject(i).getBoolean("decision"))) {
              return "item " + i + ": decision is not " + expect + ": " + abbreviate(b.toString());
            }
          }
          return null;
        }
        return Boolean.valueOf(expect).equals(json.getBoolean("decision")) ? null
            : "decision is not " + expect + ": " + abbreviate(b.toString());
      } catch (RuntimeException e) {
        return "unreadable answer (" + e + "): " + abbreviate(b.toString());
      }
    }

    /** Null when the answer is a Bearer access token signed ES256, else what is wrong. */
    static String tokenProblem(int status, Buffer b) {
      if (status != 200) {
        return "HTTP " + status + ": " + abbreviate(b.toString());
      }
      try {
        JsonObject json = b.toJsonObject();
        String token = json.getString("access_token");
        if (token == null) {
          return "no access_token: " + abbreviate(b.toString());
        }
        if (!"bearer".equalsIgnoreCase(json.getString("token_type"))) {
          return "token_type is " + json.getString("token_type");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || token.indexOf('.', dot + 1) < 0) {
          return "access_token is not a compact JWS";
        }
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
            StandardCharsets.UTF_8));
        if (!"ES256".equals(header.getString("alg"))) {
          return "JWS alg is " + header.getString("alg") + ", not ES256";
        }
        return null;
      } catch (RuntimeException e) {
        return "unreadable answer (" + e + "): " + abbreviate(b.toString());
      }
    }

    void error(String message) {
      errors.incrementAndGet();
      if (errorSamples.size() < MAX_ERROR_SAMPLES) {
        errorSamples.add(message);
      }
    }

    private static String abbreviate(String s) {
      return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
  }

  // -------------------------------------------------------------------------------------- recording

  /** Latencies (ns) of checked answers in one measured window; thread-safe, appends only. */
  static final class Recorder {
    private long[] values = new long[1 << 16];
    private int size;
    private final long startNanos = System.nanoTime();
    private volatile boolean open = true;
    private final AtomicLong failed = new AtomicLong();

    boolean isOpen() {
      return open;
    }

    synchronized void add(long nanos) {
      if (!open) {
        return;
      }
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    void failed() {
      if (open) {
        failed.incrementAndGet();
      }
    }

    /** Closes the window; the window is from creation to now. */
    Phase stop(Probe probe) {
      long end = System.nanoTime();
      long[] copy;
      synchronized (this) {
        open = false;
        copy = Arrays.copyOf(values, size);
      }
      return new Phase(copy, (end - startNanos) / 1e9, failed.get(), probe.stop());
    }

    Phase stopAt(long startAt, long endAt, Probe probe) {
      long[] copy;
      synchronized (this) {
        open = false;
        copy = Arrays.copyOf(values, size);
      }
      return new Phase(copy, (endAt - startAt) / 1e9, failed.get(), probe.stop());
    }
  }

  /** The results of one measured window. */
  record Phase(long[] latencies, double seconds, long failed, JsonObject cpu) {
    Phase {
      Arrays.sort(latencies);
    }

    double throughput() {
      return latencies.length / seconds;
    }

    /** Percentile in ms (nearest rank). */
    double p(double q) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * latencies.length);
      return latencies[Math.max(0, Math.min(latencies.length - 1, rank - 1))] / 1e6;
    }

    double max() {
      return latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6;
    }

    double mean() {
      return Arrays.stream(latencies).average().orElse(Double.NaN) / 1e6;
    }

    JsonObject json() {
      return new JsonObject().put("seconds", round(seconds, 3)).put("completed", latencies.length)
          .put("failed", failed).put("throughput", round(throughput(), 1))
          .put("latencyMs", new JsonObject().put("mean", round(mean(), 3)).put("p50", round(p(0.5), 3))
              .put("p90", round(p(0.9), 3)).put("p99", round(p(0.99), 3)).put("p99.9", round(p(0.999), 3))
              .put("max", round(max(), 3)))
          .put("cpu", cpu);
    }
  }

  /**
   * CPU used during a window: by the server process ({@code /proc/<pid>/stat}, utime + stime), by this
   * driver, and by the whole machine ({@code /proc/stat}), plus the load average at the end. Linux only;
   * missing files give nulls.
   */
  static final class Probe {
    private static final double TICK = 100.0; // USER_HZ; 100 on every Linux this runs on (getconf CLK_TCK)
    private final long pid;
    private final long startNanos = System.nanoTime();
    private final long serverTicks;
    private final long driverNanos;
    private final long[] driverGc;
    private final long[] machine;

    private Probe(long pid) {
      this.pid = pid;
      this.serverTicks = serverTicks(pid);
      this.driverNanos = driverCpu();
      this.driverGc = driverGc();
      this.machine = machine();
    }

    static Probe start(long pid) {
      return new Probe(pid);
    }

    JsonObject stop() {
      double wall = (System.nanoTime() - startNanos) / 1e9;
      JsonObject j = new JsonObject().put("wallSeconds", round(wall, 3));
      long st = serverTicks(pid);
      if (st >= 0 && serverTicks >= 0) {
        j.put("serverCpuSeconds", round((st - serverTicks) / TICK, 2));
        j.put("serverCores", round((st - serverTicks) / TICK / wall, 2));
      }
      long dn = driverCpu();
      if (dn >= 0 && driverNanos >= 0) {
        j.put("driverCores", round((dn - driverNanos) / 1e9 / wall, 2));
      }
      long[] gc = driverGc();
      j.put("driverGcCollections", gc[0] - driverGc[0]).put("driverGcMillis", gc[1] - driverGc[1]);
      long[] m = machine();
      if (m != null && machine != null && m[1] > machine[1]) {
        j.put("machineBusyPercent", round(100.0 * (m[0] - machine[0]) / (m[1] - machine[1]), 1));
      }
      try {
        j.put("loadavg", Files.readString(Path.of("/proc/loadavg")).trim());
      } catch (IOException e) {
        j.putNull("loadavg");
      }
      return j;
    }

    private static long serverTicks(long pid) {
      if (pid <= 0) {
        return -1;
      }
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    /** {collections, milliseconds} of this driver's garbage collectors so far. */
    private static long[] driverGc() {
      long count = 0;
      long millis = 0;
      for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
        count += Math.max(0, gc.getCollectionCount());
        millis += Math.max(0, gc.getCollectionTime());
      }
      return new long[] {count, millis};
    }

    private static long driverCpu() {
      return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
    }

    /** {busy, total} jiffies of all CPUs. */
    private static long[] machine() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  // ------------------------------------------------------------------------------------ closed loop

  /** {@code n} requests always in flight: each worker sends its next request when its answer is in. */
  static final class ClosedLoop {
    private final Target target;
    private final int n;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Recorder recorder;

    ClosedLoop(Target target, int n) {
      this.target = target;
      this.n = n;
    }

    void start() {
      target.context.runOnContext(v -> {
        for (int i = 0; i < n; i++) {
          next();
        }
      });
    }

    Recorder record() {
      Recorder r = new Recorder();
      recorder = r;
      return r;
    }

    private void next() {
      if (!running.get()) {
        return;
      }
      inFlight.incrementAndGet();
      long sent = System.nanoTime();
      target.call().onComplete(ar -> {
        long latency = System.nanoTime() - sent;
        inFlight.decrementAndGet();
        Recorder r = recorder;
        if (r != null) {
          if (Boolean.TRUE.equals(ar.result())) {
            r.add(latency);
          } else {
            r.failed();
          }
        }
        next();
      });
    }

    void stopAndDrain() throws InterruptedException {
      running.set(false);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (inFlight.get() > 0) {
        throw new IllegalStateException(inFlight.get() + " requests still in flight 60 s after the closed loop stopped");
      }
    }
  }

  // -------------------------------------------------------------------------------------- open loop

  /**
   * Constant-rate schedule; latency from each request's due time (coordinated-omission-correct). Besides
   * the latencies it records, per request, the <em>driver delay</em>: from the due time to when the
   * driver's event loop actually started the request. A large driver delay means the driver (its pacing
   * thread or its event loop) was late, not the server; the rest of the latency is the connection pool's
   * queue (more than {@code connections} in flight) and the server.
   */
  static final class OpenLoop {
    private static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private OpenLoop() {}

    static Phase run(Target target, double rate, int settleSeconds, int seconds, long serverPid, Path timeline)
        throws InterruptedException, IOException {
      double period = 1e9 / rate;
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      long startEpochMillis = System.currentTimeMillis() + 50;
      long recordFrom = start + TimeUnit.SECONDS.toNanos(settleSeconds);
      long recordTo = recordFrom + TimeUnit.SECONDS.toNanos(seconds);
      Recorder recorder = new Recorder();
      AtomicInteger inFlight = new AtomicInteger();
      Probe probe = null;
      long late = 0;
      long firstRecorded = -1;
      // per recorded request, by its index in the window: latency and driver delay (ns), -1 when failed
      int slots = (int) Math.ceil(rate * seconds) + 2;
      long[] latencies = new long[slots];
      long[] delays = new long[slots];
      Arrays.fill(latencies, -1);
      Arrays.fill(delays, -1);
      for (long i = 0; ; i++) {
        long due = start + (long) (i * period);
        if (due >= recordTo) {
          break;
        }
        long now = System.nanoTime();
        if (due > now) {
          LockSupport.parkNanos(due - now);
        } else if (now - due > 1_000_000) {
          late++;
        }
        if (probe == null && due >= recordFrom) {
          probe = Probe.start(serverPid);
          firstRecorded = i;
        }
        boolean recorded = due >= recordFrom;
        int slot = recorded && i - firstRecorded < slots ? (int) (i - firstRecorded) : -1;
        inFlight.incrementAndGet();
        target.context.runOnContext(v -> {
          long begun = System.nanoTime();
          target.call().onComplete(ar -> {
            long latency = System.nanoTime() - due;
            boolean ok = Boolean.TRUE.equals(ar.result());
            if (slot >= 0) {
              latencies[slot] = ok ? latency : -1;
              delays[slot] = begun - due;
            }
            if (recorded) {
              if (ok) {
                recorder.add(latency);
              } else {
                recorder.failed.incrementAndGet();
              }
            }
            inFlight.decrementAndGet(); // after the writes above: the reader below sees them
          });
        });
      }
      // wait for every scheduled request: a slow answer must be in the histogram, not dropped
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (inFlight.get() > 0) {
        throw new IllegalStateException(inFlight.get() + " requests still in flight 60 s after the schedule ended");
      }
      Phase phase = recorder.stopAt(recordFrom, recordTo, probe == null ? Probe.start(serverPid) : probe);
      phase.cpu().put("schedulerLateOver1ms", late);
      int n = (int) Math.min(slots, Math.max(0, Math.round((recordTo - recordFrom) / period)));
      long[] d = Arrays.stream(delays, 0, n).filter(x -> x >= 0).sorted().toArray();
      if (d.length > 0) {
        phase.cpu().put("driverDelayMs", new JsonObject()
            .put("p50", round(d[(int) Math.ceil(0.5 * d.length) - 1] / 1e6, 3))
            .put("p99", round(d[(int) Math.ceil(0.99 * d.length) - 1] / 1e6, 3))
            .put("max", round(d[d.length - 1] / 1e6, 3)));
      }
      if (timeline != null) {
        writeTimeline(timeline, latencies, delays, n, period, recordFrom - start, startEpochMillis);
      }
      return phase;
    }

    /**
     * One CSV line per 100 ms of due times in the recorded window: its start (ms from the window's start,
     * and epoch ms, to line up with GC logs), requests, failed, median and maximum latency, and maximum
     * driver delay (ms).
     */
    private static void writeTimeline(Path file, long[] latencies, long[] delays, int n, double period,
        long windowOffsetNanos, long startEpochMillis) throws IOException {
      StringBuilder csv = new StringBuilder("windowMs,epochMs,requests,failed,p50Ms,maxMs,maxDriverDelayMs\n");
      int i = 0;
      while (i < n) {
        long bucket = (long) (i * period) / BUCKET_NANOS;
        List<Long> lat = new ArrayList<>();
        int failed = 0;
        long maxDelay = 0;
        int j = i;
        for (; j < n && (long) (j * period) / BUCKET_NANOS == bucket; j++) {
          if (latencies[j] >= 0) {
            lat.add(latencies[j]);
          } else {
            failed++;
          }
          maxDelay = Math.max(maxDelay, delays[j]);
        }
        lat.sort(null);
        long windowMs = bucket * BUCKET_NANOS / 1_000_000;
        csv.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%.3f,%.3f,%.3f%n", windowMs,
            startEpochMillis + windowOffsetNanos / 1_000_000 + windowMs, j - i, failed,
            lat.isEmpty() ? Double.NaN : lat.get((lat.size() - 1) / 2) / 1e6,
            lat.isEmpty() ? Double.NaN : lat.get(lat.size() - 1) / 1e6, maxDelay / 1e6));
        i = j;
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, csv);
    }
  }
}
