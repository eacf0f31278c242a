package eu.panosc.benchmarks.http;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Constant-rate schedule; latency from each request's due time (coordinated-omission-correct). Besides
 * the latencies it records, per request, the <em>driver delay</em>: from the due time to when the
 * driver's event loop actually started the request. A large driver delay means the driver (its pacing
 * thread or its event loop) was late, not the server; the rest of the latency is the connection pool's
 * queue (more than {@code connections} in flight) and the server.
 */
final class OpenLoop {
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
              recorder.failed(); // the recorder stays open until stopAt below
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
          .put("p50", TokenLoad.round(d[(int) Math.ceil(0.5 * d.length) - 1] / 1e6, 3))
          .put("p99", TokenLoad.round(d[(int) Math.ceil(0.99 * d.length) - 1] / 1e6, 3))
          .put("max", TokenLoad.round(d[d.length - 1] / 1e6, 3)));
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
