package eu.panosc.benchmarks.http;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used during a window: by the server process ({@code /proc/<pid>/stat}, utime + stime), by this
 * driver, and by the whole machine ({@code /proc/stat}), plus the load average at the end. Linux only;
 * missing files give nulls.
 */
final class Probe {
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
    JsonObject j = new JsonObject().put("wallSeconds", TokenLoad.round(wall, 3));
    long st = serverTicks(pid);
    if (st >= 0 && serverTicks >= 0) {
      j.put("serverCpuSeconds", TokenLoad.round((st - serverTicks) / TICK, 2));
      j.put("serverCores", TokenLoad.round((st - serverTicks) / TICK / wall, 2));
    }
    long dn = driverCpu();
    if (dn >= 0 && driverNanos >= 0) {
      j.put("driverCores", TokenLoad.round((dn - driverNanos) / 1e9 / wall, 2));
    }
    long[] gc = driverGc();
    j.put("driverGcCollections", gc[0] - driverGc[0]).put("driverGcMillis", gc[1] - driverGc[1]);
    long[] m = machine();
    if (m != null && machine != null && m[1] > machine[1]) {
      j.put("machineBusyPercent", TokenLoad.round(100.0 * (m[0] - machine[0]) / (m[1] - machine[1]), 1));
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
