package eu.panosc.benchmarks.broker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load of session creations through the resource-broker's API ({@code POST /broker/v1/sessions}), for
 * {@code broker-create-benchmark.sh}. Two phases in the same run, alternating which goes first in each round:
 * <ul>
 *   <li>{@code pdp}: a session with a dataset, so every create asks the real policy-decision-point whether the user
 *       may analyse it (the broker's client-credentials token, subject resolution, the AuthZEN evaluation);</li>
 *   <li>{@code peer}: the same create without datasets (no PDP call): the rest of the path alone.</li>
 * </ul>
 * Every answer is checked: 202, a session id, state {@code STARTING} on one of the benchmark's clusters; any other
 * answer ends the benchmark with exit status 1 naming it. After the runs the Pods in the mock API servers are counted
 * until they equal the sessions created (the Kubernetes driver creates them after the answer), so the Kubernetes
 * work is shown to keep up (or not) with the creations measured.
 *
 * <pre>java -cp benchmarks.jar eu.panosc.benchmarks.broker.SessionCreateLoad --url http://127.0.0.1:18690 \
 *   --pdp-token T1 --peer-token T2 --dataset 10.15151/ESRF-DC-2415002 --apis http://127.0.0.1:1,http://127.0.0.1:2 \
 *   --cluster-prefix bench-k8s- --concurrency 16 --warmup 5 --duration 10 --rounds 3 --out result.json</pre>
 */
public final class SessionCreateLoad {
  private SessionCreateLoad() {}

  record Phase(String name, String token, String body) {}

  /** One run; {@code cpuMsPerSession} the control plane JVM's CPU in it per session created (-1: not measured). */
  record Run(String phase, int round, long created, double seconds, double perSecond, double p50Ms, double p99Ms,
      double cpuMsPerSession) {
    JsonObject json() {
      JsonObject j = new JsonObject().put("phase", phase).put("round", round).put("created", created)
          .put("seconds", seconds).put("perSecond", perSecond).put("p50Ms", p50Ms).put("p99Ms", p99Ms);
      return cpuMsPerSession < 0 ? j : j.put("jvmCpuMsPerSession", Math.round(cpuMsPerSession * 100) / 100.0);
    }

    Run withCpu(double ms) {
      return new Run(phase, round, created, seconds, perSecond, p50Ms, p99Ms, created == 0 ? -1 : ms / created);
    }
  }

  /**
   * The CPU time (user + system, ms) the process {@code pid} used so far, from {@code /proc/<pid>/stat}; -1 without
   * a pid or when it cannot be read. A run's difference, per session created, is what a create costs the control
   * plane once warmed up (the script's whole-load figure also holds the warm-up's JIT compilation).
   */
  static double cpuMs(long pid, long clkTck) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime); f[0] is field 3
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / clkTck;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, not " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    URI base = URI.create(req(o, "url"));
    String image = o.getOrDefault("image", "jupyter");
    String flavour = o.getOrDefault("flavour", "small");
    Phase pdp = new Phase("pdp", req(o, "pdp-token"), new JsonObject().put("image", image).put("flavour", flavour)
        .put("datasets", new JsonArray().add(req(o, "dataset"))).encode());
    Phase peer = new Phase("peer", req(o, "peer-token"), new JsonObject().put("image", image).put("flavour", flavour)
        .encode());
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "16"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
    int duration = Integer.parseInt(o.getOrDefault("duration", "10"));
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    String prefix = o.getOrDefault("cluster-prefix", "bench-k8s-");
    List<String> apis = Arrays.asList(req(o, "apis").split(","));
    String namespace = o.getOrDefault("namespace", "panosc-sessions");
    long cpuPid = Long.parseLong(o.getOrDefault("cpu-pid", "0"));
    long clkTck = Long.parseLong(o.getOrDefault("clk-tck", "100"));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI sessions = base.resolve("/broker/v1/sessions");

    long total = 0;
    double loadSeconds = 0;
    for (Phase p : List.of(pdp, peer)) {
      Run w = run(http, sessions, p, 0, concurrency, warmup, prefix);
      System.err.printf("warm-up %s: %d created, %.1f/s%n", p.name(), w.created(), w.perSecond());
      total += w.created();
      loadSeconds += w.seconds();
    }
    List<Run> runs = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      for (Phase p : r % 2 == 1 ? List.of(pdp, peer) : List.of(peer, pdp)) {
        double cpuBefore = cpuMs(cpuPid, clkTck);
        Run run = run(http, sessions, p, r, concurrency, duration, prefix);
        double cpuAfter = cpuMs(cpuPid, clkTck);
        if (cpuBefore >= 0 && cpuAfter >= 0) {
          run = run.withCpu(cpuAfter - cpuBefore);
        }
        System.err.printf("round %d %s: %d created in %.1f s = %.1f/s (p50 %.1f ms, p99 %.1f ms%s)%n", r, p.name(),
            run.created(), run.seconds(), run.perSecond(), run.p50Ms(), run.p99Ms(), run.cpuMsPerSession() < 0 ? ""
                : String.format(", JVM CPU %.2f ms per session", run.cpuMsPerSession()));
        runs.add(run);
        total += run.created();
        loadSeconds += run.seconds();
      }
    }
    double pdpMedian = median(runs, "pdp");
    double peerMedian = median(runs, "peer");
    // the Kubernetes side: every created session's Pod reaches its cluster (CRUD mock API servers)
    long deadline = System.nanoTime() + Duration.ofSeconds(Integer.parseInt(o.getOrDefault("pod-wait", "180")))
        .toNanos();
    long pods;
    Instant waitStart = Instant.now();
    do {
      pods = 0;
      for (String api : apis) {
        pods += podCount(http, api, namespace);
      }
      if (pods >= total) {
        break;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    double podWait = Duration.between(waitStart, Instant.now()).toMillis() / 1000.0;
    JsonObject out = new JsonObject().put("url", base.toString()).put("concurrency", concurrency)
        .put("warmupSeconds", warmup).put("durationSeconds", duration).put("rounds", rounds)
        .put("clusters", apis.size()).put("runs", new JsonArray(runs.stream().map(Run::json).toList()))
        .put("medianPerSecondPdp", pdpMedian).put("medianPerSecondPeer", peerMedian)
        .put("ratioPdpToPeer", peerMedian == 0 ? 0 : pdpMedian / peerMedian).put("sessionsCreated", total)
        .put("medianJvmCpuMsPerSessionPdp", medianCpu(runs, "pdp"))
        .put("medianJvmCpuMsPerSessionPeer", medianCpu(runs, "peer"))
        .put("podsInClusters", pods).put("podWaitSeconds", podWait).put("loadSeconds", loadSeconds)
        // an answer (202 STARTING) comes before the session's Kubernetes objects are created: starts that fall behind
        // the answers pile up and are only done during the wait for the Pods, so this counts them in
        .put("sessionsWithPodsPerSecond", (loadSeconds + podWait) == 0 ? 0 : total / (loadSeconds + podWait));
    Files.writeString(Path.of(req(o, "out")), out.encodePrettily());
    System.out.println(out.encode());
    if (pods < total) {
      System.err.printf("only %d Pods for %d sessions after %.0f s%n", pods, total, podWait);
      System.exit(1);
    }
  }

  private static String req(Map<String, String> o, String key) {
    String v = o.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  /** The median of the phase's runs' JVM CPU per session (ms), or null when not measured. */
  private static Double medianCpu(List<Run> runs, String phase) {
    double[] v = runs.stream().filter(r -> r.phase().equals(phase) && r.cpuMsPerSession() >= 0)
        .mapToDouble(Run::cpuMsPerSession).sorted().toArray();
    if (v.length == 0) {
      return null;
    }
    double m = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return Math.round(m * 100) / 100.0;
  }

  private static double median(List<Run> runs, String phase) {
    double[] v = runs.stream().filter(r -> r.phase().equals(phase)).mapToDouble(Run::perSecond).sorted().toArray();
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long podCount(HttpClient http, String api, String namespace) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/" + namespace
        + "/pods")).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(api + ": listing Pods answered " + r.statusCode());
    }
    JsonArray items = new JsonObject(r.body()).getJsonArray("items");
    return items == null ? 0 : items.size();
  }

  /** {@code concurrency} workers creating sessions for {@code seconds}; fails on the first unexpected answer. */
  private static Run run(HttpClient http, URI sessions, Phase phase, int round, int concurrency, int seconds,
      String prefix) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    AtomicReference<String> failure = new AtomicReference<>();
    List<long[]> latencies = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    HttpRequest request = HttpRequest.newBuilder(sessions).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + phase.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(phase.body())).build();
    for (int i = 0; i < concurrency; i++) {
      long[] mine = new long[1 << 16];
      latencies.add(mine);
      workers.add(Thread.ofPlatform().start(() -> {
        int n = 0;
        while (System.nanoTime() < end && failure.get() == null) {
          long sent = System.nanoTime();
          try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            String problem = check(r, prefix);
            if (problem != null) {
              failure.compareAndSet(null, phase.name() + ": " + problem);
              return;
            }
          } catch (Exception e) {
            failure.compareAndSet(null, phase.name() + ": " + e);
            return;
          }
          if (n + 1 < mine.length) {
            mine[++n] = System.nanoTime() - sent;
          }
          mine[0] = n;
        }
      }));
    }
    for (Thread t : workers) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      System.err.println("benchmark failed: " + failure.get());
      System.exit(1);
    }
    List<Long> all = new ArrayList<>();
    for (long[] l : latencies) {
      for (int i = 1; i <= l[0]; i++) {
        all.add(l[i]);
      }
    }
    all.sort(Long::compare);
    double p50 = all.isEmpty() ? 0 : all.get(all.size() / 2) / 1e6;
    double p99 = all.isEmpty() ? 0 : all.get(Math.min(all.size() - 1, (int) (all.size() * 0.99))) / 1e6;
    return new Run(phase.name(), round, all.size(), elapsed, all.size() / elapsed, p50, p99, -1);
  }

  /** Null when {@code r} is a session created on one of the benchmark's clusters, else what is wrong. */
  private static String check(HttpResponse<String> r, String prefix) {
    String head = r.body().length() > 300 ? r.body().substring(0, 300) : r.body();
    if (r.statusCode() != 202) {
      return "answered " + r.statusCode() + ": " + head;
    }
    JsonObject s;
    try {
      s = new JsonObject(r.body());
    } catch (RuntimeException e) {
      return "202 without a JSON object: " + head;
    }
    JsonObject placement = s.getJsonObject("placement", new JsonObject());
    String cluster = placement.getString("cluster", "");
    if (s.getString("id", "").isEmpty() || !"STARTING".equals(s.getString("state")) || !cluster.startsWith(prefix)) {
      return "202 but not a session STARTING on a benchmark cluster: " + head;
    }
    return null;
  }
}
