package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.panosc.platform.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage accounting across a crash: large NDJSON batches go to a real {@code panosc up --demo} (the shaded jar, a
 * separate JVM), which is killed with SIGKILL while a batch is in flight, and started again on the same data. The
 * sender then retries every batch, acknowledged or not, twice. Every record must count exactly once: each batch is
 * all or nothing (its retry accepts all of it or none), and for every batch the report's sum equals the sum of its
 * records and its distinct users equal its record count (each record has its own user: none lost; values are
 * positive: so with none lost, none doubled), in the month, day and hour rollups alike. Batches acknowledged before
 * the kill whose roll-up had not run yet (the roll-up follows the acknowledgement, from the journal) are rolled up
 * after the restart; reports are read once they state nothing pending. The demo usage seeded at
 * the first start is not seeded twice by the restart.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PanoscAccountingCrashIT {
  static final int BATCHES = 8;
  static final int RECORDS = 5000;
  static final String FACILITY = "crashfac";
  static final Instant BASE = Instant.parse("2026-10-05T00:00:00Z");

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  /** Record {@code i} of batch {@code b}: 90 minutes from a start spread over two days, so it straddles hours and days. */
  static String line(int b, int i) {
    Instant start = BASE.plus(Duration.ofMinutes((i * 7L) % 2880));
    return new JsonObject().put("source", "crash-it").put("recordId", "b" + b + "-r" + i).put("facility", FACILITY)
        .put("installation", "crash-hpc").put("user", "cu-" + b + "-" + i).put("proposal", "crash-p" + b)
        .put("community", "crash").put("metric", "cpu_core_hours").put("start", start.toString())
        .put("end", start.plus(Duration.ofMinutes(90)).toString()).put("value", value(i)).encode();
  }

  static BigDecimal value(int i) {
    return new BigDecimal((i % 13) + 1 + ".25");
  }

  static BigDecimal expectedSum() {
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < RECORDS; i++) {
      sum = sum.add(value(i));
    }
    return sum;
  }

  static String body(int b) {
    StringBuilder out = new StringBuilder(RECORDS * 340);
    for (int i = 0; i < RECORDS; i++) {
      out.append(line(b, i)).append('\n');
    }
    return out.toString();
  }

  private HttpResponse<String> post(String base, String token, String body) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/accounting/v1/records"))
        .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static JsonObject report(PanoscProcess panosc, String token, String query) {
    HttpResponse<String> r = Http.getAuthorized(panosc.base() + "/accounting/v1/reports?" + query, token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /**
   * The report once the roll-up has taken every acknowledged record (a report waits at most services.accounting.
   * readWait for it, then answers with pendingRecords stated; a client needing completeness asks again), without
   * completeUntil (the time of the read).
   */
  private static JsonObject completeReport(PanoscProcess panosc, String token, String query) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (true) {
      JsonObject r = report(panosc, token, query);
      if (r.getLong("pendingRecords") == 0) {
        assertThat(r.getString("completeUntil")).isNotNull();
        r.remove("completeUntil");
        return r;
      }
      assertThat(System.nanoTime()).as("rolled up within 180 s: %s", r.getLong("pendingRecords")).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  @Test
  void ingestWhenKilledMidBatchThenEveryRecordCountedOnceAfterRetries() throws Exception {
    Path data = dir.resolve("var");
    List<String> bodies = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      bodies.add(body(b));
    }
    PanoscProcess first = PanoscProcess.start(dir, data, "--demo");
    try {
      killRestartRetry(first.awaitReady(Duration.ofSeconds(180)), data, bodies);
    } finally {
      first.process().destroyForcibly(); // already killed, unless a step before the kill failed
    }
  }

  private void killRestartRetry(PanoscProcess first, Path data, List<String> bodies) throws Exception {
    String lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
    JsonObject demoBefore = completeReport(first, first.token("eosc-accounting", "accounting:read"),
        "period=" + lastMonth + "&groupBy=facility,proposal");
    assertThat(demoBefore.getJsonArray("rows")).as("the demo seed fills last month").isNotEmpty();

    // 1. Two senders post the batches; the JVM is SIGKILLed while one is in flight after two were acknowledged.
    String ingest = first.token("resource-broker", "accounting:ingest");
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicLong inFlightSince = new AtomicLong();
    AtomicLong fastestAck = new AtomicLong(Long.MAX_VALUE); // ns from send to acknowledgement, the quickest batch
    ExecutorService senders = Executors.newFixedThreadPool(2);
    List<Future<Void>> sent = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      sent.add(senders.submit(() -> {
        for (int b = next.getAndIncrement(); b < BATCHES; b = next.getAndIncrement()) {
          inFlight.incrementAndGet();
          long sentAt = System.nanoTime();
          inFlightSince.set(sentAt);
          try {
            HttpResponse<String> r = post(first.base(), ingest, bodies.get(b));
            if (r.statusCode() == 200) {
              fastestAck.accumulateAndGet(System.nanoTime() - sentAt, Math::min);
              assertThat(new JsonObject(r.body()).getInteger("accepted")).isEqualTo(RECORDS);
              acknowledged.add(b);
            }
          } catch (IOException e) {
            return null; // killed: this batch was not acknowledged
          } finally {
            inFlight.decrementAndGet();
          }
        }
        return null;
      }));
    }
    // Killed while a batch is well into its handling: in flight for half the quickest acknowledged batch's time (at
    // most 300 ms), so the kill lands inside the request on a fast machine as on a slow one.
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(5)).until(() -> acknowledged.size() >= 2
        && inFlight.get() > 0
        && System.nanoTime() - inFlightSince.get() > Math.min(300_000_000L, fastestAck.get() / 2));
    first.process().destroyForcibly(); // SIGKILL: no shutdown hook, the transaction of the batch in flight is cut
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    senders.shutdown();
    assertThat(senders.awaitTermination(150, TimeUnit.SECONDS)).isTrue();
    for (Future<Void> f : sent) {
      f.get(); // an acknowledged batch that did not accept every record fails here
    }
    System.out.printf("killed with %d of %d batches acknowledged (%s)%n", acknowledged.size(), BATCHES, acknowledged);
    assertThat(acknowledged.size()).isLessThan(BATCHES);

    // 2. Restart on the same data; the demo seed runs again and changes nothing.
    PanoscProcess second = PanoscProcess.start(dir, data, "--demo");
    try {
      second.awaitReady(Duration.ofSeconds(120));
      String read = second.token("eosc-accounting", "accounting:read");
      // the records acknowledged before the kill but not rolled up yet are in the journal: rolled up after the restart
      assertThat(completeReport(second, read, "period=" + lastMonth + "&groupBy=facility,proposal"))
          .isEqualTo(demoBefore);

      // 3. The sender retries every batch (it cannot know which unacknowledged ones committed), then all again.
      String ingestAgain = second.token("resource-broker", "accounting:ingest");
      int committedBeforeKill = 0;
      for (int b = 0; b < BATCHES; b++) {
        HttpResponse<String> r = post(second.base(), ingestAgain, bodies.get(b));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject o = new JsonObject(r.body());
        assertThat(o.getInteger("received")).isEqualTo(RECORDS);
        assertThat(o.getInteger("accepted") + o.getInteger("duplicates")).as(r.body()).isEqualTo(RECORDS);
        assertThat(o.getInteger("accepted")).as("batch %d is all or nothing: %s", b, r.body()).isIn(0, RECORDS);
        if (acknowledged.contains(b)) {
          assertThat(o.getInteger("duplicates")).as("acknowledged batch %d is stored", b).isEqualTo(RECORDS);
        }
        committedBeforeKill += o.getInteger("accepted") == 0 ? 1 : 0;
      }
      System.out.printf("%d batches had committed before the kill (%d acknowledged)%n", committedBeforeKill,
          acknowledged.size());
      for (int b = 0; b < BATCHES; b++) {
        JsonObject o = new JsonObject(post(second.base(), ingestAgain, bodies.get(b)).body());
        assertThat(o.getInteger("duplicates")).as(o.encode()).isEqualTo(RECORDS);
      }

      // 4. Every batch counted once in every rollup: month, day and hour buckets.
      BigDecimal expected = expectedSum();
      Map<String, String> periods = Map.of("2026-10", "month", "2026-10-04..2026-10-08", "day",
          "2026-10-04T23..2026-10-07T02", "hour");
      for (Map.Entry<String, String> p : periods.entrySet()) {
        JsonObject rep = completeReport(second, read, "period=" + p.getKey()
            + "&groupBy=facility,proposal&metric=cpu_core_hours");
        assertThat(rep.getString("granularity")).isEqualTo(p.getValue());
        Map<String, JsonObject> byProposal = new HashMap<>();
        for (Object row : rep.getJsonArray("rows", new JsonArray())) {
          JsonObject r = (JsonObject) row;
          if (FACILITY.equals(r.getString("facility"))) {
            byProposal.put(r.getString("proposal"), r);
          }
        }
        assertThat(byProposal).as(p.getKey()).hasSize(BATCHES);
        for (int b = 0; b < BATCHES; b++) {
          JsonObject r = byProposal.get("crash-p" + b);
          assertThat(new BigDecimal(r.getValue("value").toString())).as("%s batch %d", p.getKey(), b)
              .isEqualByComparingTo(expected);
          assertThat(r.getLong("uniqueUsers")).as("%s batch %d", p.getKey(), b).isEqualTo(RECORDS);
        }
      }
    } finally {
      second.stop();
    }
  }
}
