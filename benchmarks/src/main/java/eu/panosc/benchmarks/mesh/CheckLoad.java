package eu.panosc.benchmarks.mesh;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gRPC load driver for Envoy's {@code Check} (ghz is not available here): grpc-java with the api jar's generated
 * async stub, several HTTP/2 connections, Envoy-shaped {@code CheckRequest}s built from ExtAuthzBenchServer's
 * requests file (distinct tokens and paths). Every answer is checked against the expected decision (gRPC status OK
 * and {@code status.code} 0 for a permit with {@code x-panosc-subject}, 7 with a 403 for a deny); a wrong answer or
 * an error fails the run.
 *
 * <ol>
 *   <li>closed loop: {@code CONCURRENCY} calls in flight for WARMUP s, then DURATION s measured: the throughput;</li>
 *   <li>open loop at {@code FRACTION} of that throughput for DURATION s: latency from each call's scheduled send time
 *       (no coordinated omission) to its answer, p50/p99/p99.9/max.</li>
 * </ol>
 *
 * Prints one line {@code CHECK_RESULT {json}} with both phases and the driver's own CPU time.
 *
 * <pre>java -cp benchmarks.jar eu.panosc.benchmarks.mesh.CheckLoad PORT REQUESTS-FILE CONNECTIONS CONCURRENCY WARMUP DURATION FRACTION</pre>
 */
public final class CheckLoad {
  private CheckLoad() {}

  record Expected(CheckRequest request, boolean permit) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      throw new IllegalArgumentException(
          "usage: CheckLoad PORT REQUESTS-FILE CONNECTIONS CONCURRENCY WARMUP DURATION FRACTION");
    }
    int port = Integer.parseInt(args[0]);
    List<Expected> requests = read(Path.of(args[1]));
    int connections = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int duration = Integer.parseInt(args[5]);
    double fraction = Double.parseDouble(args[6]);
    List<ManagedChannel> channels = new ArrayList<>();
    List<AuthorizationGrpc.AuthorizationStub> stubs = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
          .directExecutor().build();
      channels.add(c);
      stubs.add(AuthorizationGrpc.newStub(c));
    }
    Driver d = new Driver(stubs, requests);
    var bean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    d.closedLoop(concurrency, warmup);
    d.reset();  // the warm-up's answers (and timeouts while the JITs warm up) do not count
    long cpu0 = bean.getProcessCpuTime();
    long n0 = d.done.get();
    long t0 = System.nanoTime();
    d.closedLoop(concurrency, duration);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long closedCalls = d.done.get() - n0;
    double closedRate = closedCalls / seconds;
    double closedCpu = (bean.getProcessCpuTime() - cpu0) / 1e9;

    double rate = Math.max(1, closedRate * fraction);
    long cpu1 = bean.getProcessCpuTime();
    long[] latencies = d.openLoop(rate, duration);
    double openCpu = (bean.getProcessCpuTime() - cpu1) / 1e9;
    Arrays.sort(latencies);
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String json = String.format(Locale.ROOT, "{\"requests\":%d,\"connections\":%d,\"concurrency\":%d,"
        + "\"closed\":{\"calls\":%d,\"seconds\":%.3f,\"perSecond\":%.1f,\"driverCpuSeconds\":%.2f},"
        + "\"open\":{\"targetPerSecond\":%.1f,\"calls\":%d,\"driverCpuSeconds\":%.2f,\"latencyUs\":{\"p50\":%.1f,"
        + "\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}},\"permits\":%d,\"denies\":%d,\"wrong\":%d,"
        + "\"errors\":%d,\"errorSample\":\"%s\"}",
        requests.size(), connections, concurrency, closedCalls, seconds, closedRate, closedCpu, rate,
        latencies.length, openCpu, pct(latencies, 0.50), pct(latencies, 0.90), pct(latencies, 0.99),
        pct(latencies, 0.999), latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e3,
        d.permits.get(), d.denies.get(), d.wrong.get(), d.errors.get(), d.errorSample.replace('"', '\''));
    System.out.println("CHECK_RESULT " + json);
    if (d.wrong.get() > 0 || d.errors.get() > 0) {
      System.exit(1);
    }
  }

  static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e3;
  }

  static List<Expected> read(Path file) throws Exception {
    List<Expected> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length != 3) {
        continue;
      }
      AttributeContext.HttpRequest http = AttributeContext.HttpRequest.newBuilder()
          .setId(Integer.toHexString(out.size())).setMethod("GET").setPath(f[1]).setHost("scicat.bench.example")
          .setScheme("https").setProtocol("HTTP/1.1").putHeaders(":authority", "scicat.bench.example")
          .putHeaders(":method", "GET").putHeaders(":path", f[1]).putHeaders("authorization", "Bearer " + f[0])
          .putHeaders("user-agent", "bench").putHeaders("x-forwarded-proto", "https").build();
      out.add(new Expected(CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
          .setRequest(AttributeContext.Request.newBuilder().setHttp(http))
          .putContextExtensions("service", ExtAuthzBenchServer.AUDIENCE)).build(), "permit".equals(f[2])));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no requests in " + file);
    }
    return out;
  }

  static final class Driver {
    final List<AuthorizationGrpc.AuthorizationStub> stubs;
    final List<Expected> requests;
    final AtomicInteger next = new AtomicInteger();
    final AtomicLong done = new AtomicLong();
    final AtomicLong permits = new AtomicLong();
    final AtomicLong denies = new AtomicLong();
    final AtomicLong wrong = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    volatile String errorSample = "";

    void reset() {
      permits.set(0);
      denies.set(0);
      wrong.set(0);
      errors.set(0);
      errorSample = "";
    }

    Driver(List<AuthorizationGrpc.AuthorizationStub> stubs, List<Expected> requests) {
      this.stubs = stubs;
      this.requests = requests;
    }

    /** One call; {@code then} runs when it is answered (on a transport thread). */
    void call(Runnable then) {
      int i = next.getAndIncrement();
      Expected e = requests.get(Math.floorMod(i, requests.size()));
      stubs.get(Math.floorMod(i, stubs.size())).withDeadlineAfter(5, TimeUnit.SECONDS).check(e.request(),
          new StreamObserver<>() {
            @Override
            public void onNext(CheckResponse r) {
              boolean ok = e.permit()
                  ? r.getStatus().getCode() == 0 && r.getOkResponse().getHeadersCount() == 2
                  : r.getStatus().getCode() == 7 && r.getDeniedResponse().getStatus().getCodeValue() == 403;
              (ok ? (e.permit() ? permits : denies) : wrong).incrementAndGet();
              if (!ok) {
                errorSample = "wrong answer: " + r.getStatus().getCode() + " " + r.getStatus().getMessage();
              }
            }

            @Override
            public void onError(Throwable t) {
              errors.incrementAndGet();
              errorSample = t.toString();
              done.incrementAndGet();
              then.run();
            }

            @Override
            public void onCompleted() {
              done.incrementAndGet();
              then.run();
            }
          });
    }

    void closedLoop(int concurrency, int seconds) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      CountDownLatch finished = new CountDownLatch(concurrency);
      for (int i = 0; i < concurrency; i++) {
        chain(end, finished);
      }
      finished.await();
    }

    private void chain(long end, CountDownLatch finished) {
      if (System.nanoTime() >= end) {
        finished.countDown();
        return;
      }
      call(() -> chain(end, finished));
    }

    /** Sends at {@code rate} per second for {@code seconds}; each call's latency from its scheduled time, in ns. */
    long[] openLoop(double rate, int seconds) throws InterruptedException {
      int total = (int) (rate * seconds);
      long[] latencies = new long[total];
      CountDownLatch answered = new CountDownLatch(total);
      double period = 1e9 / rate;
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      long start = System.nanoTime();
      AtomicInteger sent = new AtomicInteger();
      // every 200 µs, send the calls whose scheduled time has come
      timer.scheduleAtFixedRate(() -> {
        long now = System.nanoTime();
        int due = (int) Math.min(total, (now - start) / period + 1);
        for (int k = sent.get(); k < due; k = sent.incrementAndGet()) {
          long scheduled = start + (long) (k * period);
          int slot = k;
          call(() -> {
            latencies[slot] = System.nanoTime() - scheduled;
            answered.countDown();
          });
        }
      }, 0, 200, TimeUnit.MICROSECONDS);
      boolean all = answered.await(seconds + 30L, TimeUnit.SECONDS);
      timer.shutdownNow();
      if (!all) {
        errors.incrementAndGet();
        errorSample = "open loop: not every call answered within " + (seconds + 30) + " s";
      }
      return latencies;
    }
  }
}
