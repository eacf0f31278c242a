package eu.panosc.accounting.ingest;

import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The ingest parsing of metrics-accounting before and after the streaming parser, in thread CPU time (the machine is
 * shared, wall time measures the neighbours), on one NDJSON batch shaped like {@code accounting-benchmark.sh}'s
 * (5 000 records by default): <b>decode</b> = each line through {@code Json.decodeValue} into a {@code JsonObject},
 * then {@link RecordReader} (the path before); <b>stream</b> = {@link RecordStreamParser#line} (the path now). After a
 * warm-up, the two alternate for {@code rounds} rounds (order flipped every round); every round checks that both read
 * every record, equal. Prints µs of CPU per record of each, the ratio and the per-round spread as JSON.
 *
 * <p>In the accounting module's package (a split package in this jar) because both readers are package-private.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar eu.panosc.accounting.ingest.IngestParseProbe 20 5000</pre>
 */
public final class IngestParseProbe {
  private IngestParseProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Buffer> lines = lines(records);
    RecordReader reader = new RecordReader(Duration.ofDays(31));
    RecordStreamParser parser = new RecordStreamParser(Duration.ofDays(31));
    for (int i = 0; i < 20; i++) {
      check(decode(lines, reader), stream(lines, parser), records);
    }
    long decodeNanos = 0;
    long streamNanos = 0;
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      long d;
      long s;
      List<UsageRecord> a;
      List<UsageRecord> b;
      if (r % 2 == 0) {
        long t0 = threads.getCurrentThreadCpuTime();
        a = decode(lines, reader);
        long t1 = threads.getCurrentThreadCpuTime();
        b = stream(lines, parser);
        long t2 = threads.getCurrentThreadCpuTime();
        d = t1 - t0;
        s = t2 - t1;
      } else {
        long t0 = threads.getCurrentThreadCpuTime();
        b = stream(lines, parser);
        long t1 = threads.getCurrentThreadCpuTime();
        a = decode(lines, reader);
        long t2 = threads.getCurrentThreadCpuTime();
        s = t1 - t0;
        d = t2 - t1;
      }
      check(a, b, records);
      decodeNanos += d;
      streamNanos += s;
      ratios.add((double) d / s);
    }
    Collections.sort(ratios);
    long total = (long) rounds * records;
    System.out.println(String.format(Locale.ROOT, "{\"rounds\": %d, \"records\": %d, \"decodeCpuMicrosPerRecord\": %.3f,"
        + " \"streamCpuMicrosPerRecord\": %.3f, \"decodeOverStream\": %.3f, \"medianRoundRatio\": %.3f,"
        + " \"minRoundRatio\": %.3f, \"maxRoundRatio\": %.3f}", rounds, records, decodeNanos / 1e3 / total,
        streamNanos / 1e3 / total, (double) decodeNanos / streamNanos, ratios.get(ratios.size() / 2), ratios.get(0),
        ratios.get(ratios.size() - 1)));
  }

  static List<UsageRecord> decode(List<Buffer> lines, RecordReader reader) {
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      out.add(reader.read(i, Json.decodeValue(lines.get(i)), errors));
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("decode refused " + errors.get(0));
    }
    return out;
  }

  static List<UsageRecord> stream(List<Buffer> lines, RecordStreamParser parser) {
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      parser.line(lines.get(i), i + 1, i, out, errors);
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("stream refused " + errors.get(0));
    }
    return out;
  }

  static void check(List<UsageRecord> a, List<UsageRecord> b, int records) {
    if (a.size() != records || !a.equals(b)) {
      throw new IllegalStateException("the two readers disagree");
    }
  }

  /** Lines shaped like accounting-benchmark.sh's batches. */
  static List<Buffer> lines(int n) {
    String[] metrics = {"cpu_core_hours", "gpu_hours", "memory_gib_hours", "storage_gib_days", "data_staged_gib",
        "sessions"};
    Instant base = Instant.parse("2026-06-01T00:00:00Z");
    List<Buffer> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long h = (i * 2654435761L + 97) % 4294967296L;
      int p = (int) (h % 2000);
      int fac = p % 6;
      Instant start = base.plus((h / 2000) % (29 * 24 * 60), ChronoUnit.MINUTES);
      Instant end = start.plus(60 + (i * 37L) % 180, ChronoUnit.MINUTES);
      String line = String.format(Locale.ROOT, "{\"source\":\"bench-r1\",\"recordId\":\"r%09d\",\"facility\":\"f%d\","
          + "\"installation\":\"f%d-i%d\",\"cluster\":\"k%d\",\"session\":\"s%09d\",\"user\":\"u%05d\","
          + "\"proposal\":\"P%04d\",\"community\":\"c%d\",\"metric\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
          + "\"value\":%d.%02d}", i, fac, fac, i % 2, fac, i, p * 10 + i % 10, p, p % 20, metrics[i % 6], start, end,
          1 + i % 50, i % 100);
      lines.add(Buffer.buffer(line.getBytes(StandardCharsets.UTF_8)));
    }
    return lines;
  }
}
