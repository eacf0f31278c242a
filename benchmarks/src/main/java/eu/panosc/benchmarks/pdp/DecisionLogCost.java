package eu.panosc.benchmarks.pdp;

import eu.panosc.pdp.engine.AccessRequest;
import eu.panosc.pdp.engine.Decision;
import eu.panosc.pdp.log.DecisionIds;
import eu.panosc.pdp.log.DecisionLogSettings;
import eu.panosc.pdp.log.DecisionLogWriter;
import eu.panosc.pdp.log.DecisionQueue;
import eu.panosc.pdp.log.LogEntry;
import eu.panosc.pdp.log.PgDecisionLog;
import eu.panosc.platform.config.DatabaseConfig;
import eu.panosc.platform.db.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * The decision log's cost per decision, without HTTP: {@code decisions} entries shaped like
 * {@code pdp-benchmark.sh}'s (a user of {@code users}, a dataset of {@code datasets}, 3 in 4 permitted, a fresh
 * request id each, caller {@code resource-broker}) go through the public write path — {@link DecisionLogWriter#record}
 * (paced so that at most a few batches wait, as under steady load), then {@link DecisionLogWriter#close}, which
 * writes what is still queued — as pages of 1 000 with two writers, into an
 * embedded PostgreSQL migrated like the PDP's. Per round it reports the CPU of this JVM (recording, masking, page
 * building, the client) and of the PostgreSQL processes (backends, WAL writer, checkpointer, autovacuum workers
 * that came and went) per decision, and the bytes a decision takes in the pages. The first round warms the JIT.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar eu.panosc.benchmarks.pdp.DecisionLogCost [decisions] [rounds]</pre>
 *
 * <p>Not a test: run by hand (docs/benchmarks.md, "The decision log in pages"). Linux only (reads {@code /proc}).
 */
public final class DecisionLogCost {
  private DecisionLogCost() {}

  public static void main(String[] args) throws Exception {
    int decisions = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int users = 20_000;
    int datasets = 78_000;
    Path dir = Files.createTempDirectory("decision-log-cost");
    Database db = Database.open(new DatabaseConfig(Optional.empty(), 4, 0, Duration.ofSeconds(10)), dir);
    Vertx vertx = Vertx.vertx();
    try {
      db.migrate("pdp");
      Pool pool = db.pool(vertx, "pdp");
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      Random rnd = new Random(20261207);
      long written = 0;
      for (int round = 0; round <= rounds; round++) {
        List<LogEntry> entries = entries(rnd, decisions, users, datasets);
        DecisionLogSettings settings = new DecisionLogSettings(true, DecisionLogSettings.SubjectMasking.HASH,
            DecisionLogSettings.DEFAULT_MASK, Duration.ofDays(30), 100_000_000, decisions, 1000, 2,
            Duration.ofMillis(200), Duration.ofHours(1));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DecisionQueue queue = new DecisionQueue(decisions, meters);
        DecisionLogWriter writer = new DecisionLogWriter(vertx, new PgDecisionLog(pool), queue, settings,
            Clock.systemUTC(), meters);
        writer.start().toCompletionStage().toCompletableFuture().get();
        List<Integer> pg = postgres(dir);
        long pg0 = cpu(pg) + reaped(pg.get(0));
        long jvm0 = os.getProcessCpuTime();
        long loops0 = eventLoopCpu();
        long main0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < entries.size(); i++) {
          writer.record(entries.get(i));
          // a few batches queued at most, as under steady load (a queue of all of them would make GC copy them)
          while (i % 1000 == 999 && queue.size() > 4 * settings.batchSize()) {
            Thread.sleep(1);
          }
        }
        writer.close().toCompletionStage().toCompletableFuture().get();
        long wall = System.nanoTime() - wall0;
        long jvm = os.getProcessCpuTime() - jvm0;
        long loops = eventLoopCpu() - loops0;
        long main = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - main0;
        List<Integer> after = postgres(dir);
        List<Integer> fresh = new ArrayList<>(after);
        fresh.removeAll(pg);
        long pgTicks = cpu(pg) + cpu(fresh) + reaped(pg.get(0)) - pg0;
        long n = (long) meters.counter(DecisionLogWriter.METER_WRITTEN).count();
        written += n;
        Row size = pool.query("SELECT count(*), coalesce(sum(row_count), 0), coalesce(sum(pg_column_size(body)), 0) "
            + "FROM decision_log_page").execute().toCompletionStage().toCompletableFuture().get().iterator().next();
        if (n != decisions || size.getLong(1) != written) {
          throw new IllegalStateException("written " + n + " of " + decisions + ", " + size.getLong(1) + " in pages");
        }
        System.out.printf("%s round %d: %d decisions in %.2f s, JVM %.2f µs + PostgreSQL %.2f µs CPU per decision, "
                + "%d pages, %.0f bytes of body per decision, load %s%n", round == 0 ? "warm-up" : "measured",
            round, n, wall / 1e9, jvm / 1e3 / n, pgTicks * (1e6 / hz()) / n, size.getLong(0),
            size.getLong(2) / (double) size.getLong(1), Files.readString(Path.of("/proc/loadavg")).trim());
        // the JVM's part by thread: the caller (record), the event loops (the writer: masking, pages, the client),
        // the rest (JIT compilers, GC)
        System.out.printf("  JVM by thread: record %.2f µs, event loops %.2f µs, other (JIT, GC) %.2f µs per decision%n",
            main / 1e3 / n, loops / 1e3 / n, (jvm - main - loops) / 1e3 / n);
      }
      pool.close().toCompletionStage().toCompletableFuture().get();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
      db.close();
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** CPU time of the Vert.x event-loop threads (the writer's context and the PostgreSQL client run there). */
  static long eventLoopCpu() {
    var threads = ManagementFactory.getThreadMXBean();
    long t = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("vert.x-eventloop")) {
        long c = threads.getThreadCpuTime(info.getThreadId());
        t += Math.max(c, 0);
      }
    }
    return t;
  }

  static List<LogEntry> entries(Random rnd, int n, int users, int datasets) {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<LogEntry> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean permit = i % 4 != 3;
      AccessRequest r = new AccessRequest(
          new AccessRequest.Entity("user", "user%05d@bench".formatted(rnd.nextInt(users)), Map.of()), "read", Map.of(),
          new AccessRequest.Entity("dataset", "10.99999/BENCH-%08d".formatted(rnd.nextInt(datasets)), Map.of()),
          Map.of());
      Decision d = permit
          ? new Decision(true, "panosc-data@v1", "proposal-member", "member", "You are a member.", 0, null)
          : new Decision(false, "panosc-data@v1", null, null, "You may not.", 0, null);
      Instant at = t0.plusNanos(i * 40_000L);
      out.add(new LogEntry(DecisionIds.next(at), at, "evaluation", null, "resource-broker", UUID.randomUUID().toString(),
          r, d, null));
    }
    return out;
  }

  /** The postmaster whose command line names {@code dir}, and its children. */
  static List<Integer> postgres(Path dir) throws IOException {
    Integer root = null;
    List<Path> procs;
    try (var ps = Files.list(Path.of("/proc"))) {
      procs = ps.filter(p -> p.getFileName().toString().matches("\\d+")).toList();
    }
    for (Path p : procs) {
      try {
        String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
        if (cmd.contains(dir.toString()) && cmd.contains(" -D ")) {
          root = Integer.valueOf(p.getFileName().toString());
        }
      } catch (IOException e) {
        // the process ended
      }
    }
    if (root == null) {
      throw new IllegalStateException("no PostgreSQL under " + dir);
    }
    List<Integer> out = new ArrayList<>(List.of(root));
    for (Path p : procs) {
      try {
        if (Integer.parseInt(stat(p)[1]) == root) {
          out.add(Integer.valueOf(p.getFileName().toString()));
        }
      } catch (IOException e) {
        // the process ended
      }
    }
    return out;
  }

  /** The fields of /proc/PID/stat after the command: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
  private static String[] stat(Path p) throws IOException {
    String s = Files.readString(p.resolve("stat"));
    return s.substring(s.lastIndexOf(')') + 2).split(" ");
  }

  private static long cpu(List<Integer> pids) {
    long t = 0;
    for (int pid : pids) {
      try {
        String[] f = stat(Path.of("/proc/" + pid));
        t += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException e) {
        // the process ended: its time is in the postmaster's reaped children
      }
    }
    return t;
  }

  /** CPU of the children the postmaster waited for (autovacuum workers, backends that ended). */
  private static long reaped(int pid) throws IOException {
    String[] f = stat(Path.of("/proc/" + pid));
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
  private static double hz() {
    return 100.0;
  }
}
