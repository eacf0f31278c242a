import eu.panosc.keycloak.usage.DiskQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The usage listener's own cost per token: the latency of DiskQueue.append (one ~330-byte record, as the listener
 * writes it) from THREADS concurrent callers, forced to disk before returning (group commit, the default) and
 * written only (fsync-interval-ms > 0). Every appended line is read back and counted (nothing lost).
 *
 *   java -cp keycloak-spi/target/classes benchmarks/keycloak-spi/QueueAppendLatency.java [threads] [seconds] [dir]
 */
public class QueueAppendLatency {
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of("target"), "queue-latency");
    String line = "{\"source\":\"keycloak\",\"recordId\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"facility\":\"esrf\","
        + "\"installation\":\"bench-ours/bench\",\"session\":\"5d1f0d4e-7a0e-4c1e-9f3b-2b4c7f6d8e9a\","
        + "\"user\":\"pw-3f2a9c8e1b7d4a6f\",\"metric\":\"sessions\",\"start\":\"2026-12-07T12:00:00.123Z\","
        + "\"end\":\"2026-12-07T12:00:00.123Z\",\"value\":1}";
    for (boolean force : new boolean[] {true, false, true, false}) {
      Path file = dir.resolve((force ? "forced" : "written") + System.nanoTime() + ".ndjson");
      try (DiskQueue q = new DiskQueue(file, 1L << 32, force)) {
        List<long[]> perThread = new ArrayList<>();
        AtomicInteger total = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int t = 0; t < threads; t++) {
          long[] samples = new long[2_000_000];
          perThread.add(samples);
          Thread.ofPlatform().start(() -> {
            int n = 0;
            try {
              while (System.nanoTime() < end && n < samples.length) {
                long t0 = System.nanoTime();
                if (!q.append(line)) {
                  throw new IllegalStateException("queue full");
                }
                samples[n++] = System.nanoTime() - t0;
              }
            } catch (Exception e) {
              throw new RuntimeException(e);
            } finally {
              total.addAndGet(n);
              samples[samples.length - 1] = n;
              done.countDown();
            }
          });
        }
        done.await();
        long[] all = perThread.stream().flatMapToLong(s -> Arrays.stream(s, 0, (int) s[s.length - 1])).sorted()
            .toArray();
        q.force();
        int read = 0;
        for (DiskQueue.Batch b = q.peek(100_000, 64 << 20); !b.isEmpty(); b = q.peek(100_000, 64 << 20)) {
          read += b.lines().size();
          q.ack(b);
        }
        if (read != total.get()) {
          throw new IllegalStateException("appended " + total.get() + " but read back " + read);
        }
        System.out.printf("%-8s threads=%d appends/s=%.0f p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms (read back %d)%n",
            force ? "forced" : "written", threads, all.length / (double) seconds, all[all.length / 2] / 1e6,
            all[(int) (all.length * 0.9)] / 1e6, all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6, read);
      }
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".offset"));
    }
  }
}
