package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery of the one-command default: {@code panosc up --demo} (the shaded jar, a separate JVM) is
 * killed with SIGKILL while PDP writes and ingests are in flight, and started again on the same data
 * directory. The embedded PostgreSQL does not outlive it (its watchdog stops it); when the watchdog dies
 * too, the next start stops the orphan. Each restart is ready within 60 s and every acknowledged write is
 * there.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PanoscCrashIT {
  private static final Duration READY_AFTER_CRASH = Duration.ofSeconds(60);
  private static final int INGEST_LINES = 2500; // three batches of up to 1000 lines, each one transaction

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** PIDs of datasets whose write was answered 204 (per entity) or 200 (an ingest that wrote them). */
  private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
  /** Ingests answered 200 whose summary does not count every line sent. */
  private final Queue<String> wrongAnswers = new ConcurrentLinkedQueue<>();

  record Run(Process process, String base, Path out, Path err, long startedNanos) {}

  /** Every process a test started, so one that fails half-way leaves no panosc (or PostgreSQL) running. */
  private final List<Process> startedProcesses = new ArrayList<>();

  private Run start(Path data, String... extra) throws Exception {
    long started = System.nanoTime();
    PanoscProcess p = PanoscProcess.start(dir, data, extra);
    startedProcesses.add(p.process());
    return new Run(p.process(), p.base(), p.out(), p.err(), started);
  }

  @AfterEach
  void killWhatIsLeft() throws InterruptedException {
    for (Process process : startedProcesses) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void awaitReady(Run run, Duration bound) {
    await().atMost(bound).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      assertThat(run.process().isAlive()).as("panosc exited; stderr: %s", Files.readString(run.err())).isTrue();
      assertThat(Files.readString(run.out())).contains("ready");
    });
    assertThat(Http.get(run.base() + "/pdp/health/ready").statusCode()).isEqualTo(200);
    System.out.printf("panosc up ready after %d ms%n", (System.nanoTime() - run.startedNanos()) / 1_000_000);
  }

  @Test
  void upWhenKilledDuringWritesThenNextStartQuickWithEveryAcknowledgedWrite() throws Exception {
    Path data = dir.resolve("var");
    Run first = start(data, "--demo");
    awaitReady(first, Duration.ofSeconds(180)); // initdb and migrations on a busy machine
    writeThenKill(first, "a", false);

    // 1. The watchdog stopped PostgreSQL with the JVM: the next start finds no orphan.
    Run second = start(data, "--demo");
    awaitReady(second, READY_AFTER_CRASH);
    assertThat(Files.readString(second.err())).doesNotContain("orphaned").doesNotContain("Exception");
    assertEveryAcknowledgedWriteReadable(second);

    // 2. The JVM and its watchdog are killed together (e.g. the whole process group): PostgreSQL is left
    //    running, and the next start names it and stops it.
    writeThenKill(second, "b", true);
    Run third = start(data, "--demo");
    awaitReady(third, READY_AFTER_CRASH);
    assertThat(Files.readString(third.err())).contains("found an orphaned embedded PostgreSQL (pid")
        .contains("stopping it").doesNotContain("Exception");
    assertEveryAcknowledgedWriteReadable(third);

    third.process().destroy();
    assertThat(third.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  /** Writers per entity and by ingest run for a while; the JVM is SIGKILLed while they are in flight. */
  private void writeThenKill(Run run, String tag, boolean killWatchdogToo) throws Exception {
    String token = pdpAdminToken(run.base());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    int before = acknowledged.size();
    for (int w = 0; w < 3; w++) {
      int writer = w;
      writers.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          String pid = "10.5555/CRASH-" + tag + "-" + writer + "-" + i;
          try {
            if (putDataset(run.base(), token, pid) == 204) {
              acknowledged.add(pid);
            }
          } catch (IOException e) {
            return; // the process is gone; this write was not acknowledged
          }
        }
      });
    }
    writers.submit(() -> {
      for (int n = 0; !stop.get(); n++) {
        String prefix = "10.5555/INGEST-" + tag + "-" + n + "-";
        try {
          if (ingest(run.base(), token, prefix) == 200) {
            for (int line : new int[] {0, 999, 1000, 1999, 2000, INGEST_LINES - 1}) {
              acknowledged.add(prefix + line);
            }
          }
        } catch (IOException e) {
          return;
        }
      }
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() - before >= 60);
    List<ProcessHandle> children = run.process().descendants().toList();
    if (killWatchdogToo) {
      children.forEach(ProcessHandle::destroyForcibly);
    }
    run.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(run.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    writers.shutdown();
    assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    System.out.printf("killed during writes (watchdog killed too: %s); %d writes acknowledged before%n",
        killWatchdogToo, acknowledged.size() - before);
  }

  private void assertEveryAcknowledgedWriteReadable(Run run) {
    assertThat(wrongAnswers).as("ingests answered 200 without writing every line").isEmpty();
    String token = pdpAdminToken(run.base());
    List<String> missing = new ArrayList<>();
    for (String pid : acknowledged) {
      HttpResponse<String> r = Http.getAuthorized(run.base() + "/pdp/v1/datasets/" + pid, token);
      if (r.statusCode() != 200) {
        missing.add(pid + " (" + r.statusCode() + " " + r.body() + ")");
      }
    }
    assertThat(missing).as("acknowledged writes missing after the restart (of %s); stderr: %s", acknowledged.size(),
        readQuietly(run.err())).isEmpty();
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private int putDataset(String base, String token, String pid) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(base + "/pdp/v1/datasets/" + pid))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("""
            {"proposal":"esrf:MX-2415","facility":"esrf","created":"2025-03-12T14:00:00Z","public":false}"""))
        .build());
  }

  /** The ingest's status; a 200 that does not account for every line is recorded as a wrong answer. */
  private int ingest(String base, String token, String prefix) throws IOException {
    String body = IntStream.range(0, INGEST_LINES).mapToObj(i -> "{\"type\":\"dataset\",\"pid\":\"" + prefix + i
            + "\",\"proposal\":\"esrf:MX-2415\",\"facility\":\"esrf\",\"created\":\"2025-03-12T14:00:00Z\"}")
        .collect(Collectors.joining("\n"));
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/pdp/v1/ingest"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && new JsonObject(r.body()).getLong("changes", -1L) != INGEST_LINES) {
        wrongAnswers.add(prefix + ": " + r.body());
      }
      return r.statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private int send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String pdpAdminToken(String base) {
    return PanoscProcess.demoClientToken(base, "pdp-admin", "pdp:admin");
  }

}
