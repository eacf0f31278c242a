package eu.panosc.benchmarks.saml;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@link SamlValidationBenchmark}'s two paths measured in thread CPU time instead of wall time, outside JMH, for a
 * machine shared with other work (where wall-clock throughput mostly measures the neighbours): after a warm-up, blocks
 * of {@code block} calls of each path alternate ({@code rounds} rounds, the order flipped every round) and each block's
 * CPU time of this thread is read from {@link ThreadMXBean}. Prints calls per CPU-second of each path (total calls /
 * total CPU time), the ratio validate / raw, and the median of the per-round ratios. Every call checks its answer.
 *
 * <pre>java -cp benchmarks.jar eu.panosc.benchmarks.saml.SamlCpuProbe 40 400</pre>
 */
public final class SamlCpuProbe {
  private SamlCpuProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int block = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure thread CPU time");
    }
    SamlValidationBenchmark bench = new SamlValidationBenchmark();
    bench.attributes = 20;
    bench.setUp();
    for (int i = 0; i < 5_000; i++) {
      bench.validate();
      bench.rawOpenSaml();
    }
    long validateNanos = 0;
    long rawNanos = 0;
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      long v;
      long raw;
      if (r % 2 == 0) {
        v = cpu(threads, bench, true, block);
        raw = cpu(threads, bench, false, block);
      } else {
        raw = cpu(threads, bench, false, block);
        v = cpu(threads, bench, true, block);
      }
      validateNanos += v;
      rawNanos += raw;
      ratios.add((double) raw / v);
    }
    Collections.sort(ratios);
    long calls = (long) rounds * block;
    double validatePerCpuSecond = calls * 1e9 / validateNanos;
    double rawPerCpuSecond = calls * 1e9 / rawNanos;
    System.out.println(String.format(Locale.ROOT,
        "{\"rounds\": %d, \"block\": %d, \"validatePerCpuSecond\": %.1f, \"rawOpenSamlPerCpuSecond\": %.1f,"
            + " \"ratio\": %.3f, \"medianRoundRatio\": %.3f, \"minRoundRatio\": %.3f, \"maxRoundRatio\": %.3f}",
        rounds, block, validatePerCpuSecond, rawPerCpuSecond, validatePerCpuSecond / rawPerCpuSecond,
        ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1)));
  }

  private static long cpu(ThreadMXBean threads, SamlValidationBenchmark bench, boolean validate, int block) {
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < block; i++) {
      if (validate) {
        bench.validate();
      } else {
        bench.rawOpenSaml();
      }
    }
    return threads.getCurrentThreadCpuTime() - start;
  }
}
