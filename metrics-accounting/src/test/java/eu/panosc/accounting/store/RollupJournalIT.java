package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.accounting.export.PgExportStore;
import eu.panosc.accounting.export.eosc.EoscLedger;
import eu.panosc.accounting.export.eosc.EoscSettings;
import eu.panosc.accounting.export.eosc.PgEoscLedger;
import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.RollupStatus;
import eu.panosc.accounting.model.RollupsBehindException;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.platform.testing.TestDatabase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The roll-up journal on embedded PostgreSQL: acknowledged records wait in {@code rollup_pending} and reach the
 * rollups exactly once, through crashes of the ingesting process and of a worker mid-step, with concurrent
 * ingesters and workers; reads state the lag or wait for it; exports never answer short.
 */
class RollupJournalIT {
  @RegisterExtension
  static final TestDatabase DB = TestDatabase.perClass("accounting", 8);
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  final String facility = "f-" + UUID.randomUUID();

  UsageRecord rec(String id, String start, String end, String value, boolean cumulative, String user) {
    return new UsageRecord("broker", facility + "/" + id, facility, "inst", null, "s-" + id, user, "p1", "mx",
        Metric.CPU_CORE_HOURS, Instant.parse(start), Instant.parse(end), new BigDecimal(value), cumulative, false);
  }

  BigDecimal rollupSum(Pool pool, String granularity) {
    Row r = pool.preparedQuery("SELECT coalesce(sum(value), 0)::text AS v FROM rollup WHERE facility = $1 AND "
        + "granularity = $2").execute(Tuple.of(facility, granularity)).await().iterator().next();
    return new BigDecimal(r.getString("v"));
  }

  long pendingRows(Pool pool) {
    return pool.preparedQuery("SELECT coalesce(sum(records), 0)::bigint AS n FROM rollup_pending WHERE $1 = "
        + "ANY(facility)").execute(Tuple.of(facility)).await().iterator().next().getLong("n");
  }

  List<ReportRow> monthReport(AccountingStore store) {
    return store.report(new ReportQuery(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
        Granularity.MONTH, List.of(Dimension.FACILITY), List.of())).await().stream()
        .filter(r -> facility.equals(r.group().get(Dimension.FACILITY))).toList();
  }

  @Test
  void ingestWhenAcknowledgedThenJournaledAndTheReadWaitFoldsItInOnce() {
    PgAccountingStore store = new PgAccountingStore(DB.shared());
    store.ingest(List.of(rec("a", "2026-11-05T10:30:00Z", "2026-11-05T12:30:00Z", "8", false, "u1"),
        rec("b", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "2", false, "u2")), NOW).await();
    assertThat(pendingRows(DB.shared())).as("acknowledged, not rolled up yet").isEqualTo(2);
    assertThat(DB.shared().preparedQuery("SELECT count(*) AS n FROM rollup_pending WHERE $1 = ANY(facility)")
        .execute(Tuple.of(facility)).await().iterator().next().getLong("n")).as("one journal row per batch")
        .isEqualTo(1);
    assertThat(rollupSum(DB.shared(), "hour")).isEqualByComparingTo("0");

    RollupStatus status = store.awaitRollups().await();
    assertThat(status.pendingRecords()).isZero();
    assertThat(pendingRows(DB.shared())).isZero();
    assertThat(rollupSum(DB.shared(), "hour")).isEqualByComparingTo("10");
    assertThat(rollupSum(DB.shared(), "day")).isEqualByComparingTo("10");
    assertThat(rollupSum(DB.shared(), "month")).isEqualByComparingTo("10");
    assertThat(monthReport(store).getFirst().uniqueUsers()).isEqualTo(2);

    // another pass (another replica's worker) finds nothing to do and changes nothing
    assertThat(new RollupWorker(DB.pool()).drain().await()).isZero();
    assertThat(rollupSum(DB.shared(), "month")).isEqualByComparingTo("10");
  }

  @Test
  void workerWhenThisReplicaStoresABatchAfterAnAcknowledgementThenYieldsUntilItEnds() throws Exception {
    RollupWorker worker = new RollupWorker(DB.shared());
    assertThat(worker.yielding()).as("nothing stored yet").isFalse();
    worker.ingestStarted();
    assertThat(worker.yielding()).as("nothing of this replica waits to be rolled up: no reason to wait").isFalse();
    worker.acknowledged();
    assertThat(worker.yielding()).as("right after an acknowledgement").isTrue();
    Thread.sleep(RollupWorker.QUIET.toMillis() + 100);
    assertThat(worker.yielding()).as("a batch still being stored, longer than QUIET after the last one").isTrue();
    worker.ingestEnded();
    assertThat(worker.yielding()).as("no batch under way, QUIET over").isFalse();

    PgAccountingStore store = new PgAccountingStore(DB.shared(), worker);
    store.ingest(List.of(rec("y1", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", "1", false, "u1")), NOW)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Throwable failed = store.ingest(List.of(rec("y2\u0000", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", "1",
        false, "u1")), NOW).toCompletionStage().toCompletableFuture().handle((o, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(failed).as("PostgreSQL refuses a NUL in text").isNotNull();
    assertThat(worker.ingesting()).as("every batch, committed or failed, ended").isZero();
  }

  @Test
  void workerWhenABatchIsArrivingAfterAnAcknowledgementThenYieldsUntilItIsAnsweredBounded() throws Exception {
    RollupWorker worker = new RollupWorker(DB.shared());
    PgAccountingStore store = new PgAccountingStore(DB.shared(), worker);
    Runnable arriving = store.batchArriving();
    assertThat(worker.ingesting()).isEqualTo(1);
    assertThat(worker.yielding()).as("nothing of this replica waits to be rolled up").isFalse();
    worker.acknowledged();
    Thread.sleep(RollupWorker.QUIET.toMillis() + 100);
    assertThat(worker.yielding()).as("a batch on its way (received, parsed), QUIET after the last acknowledgement")
        .isTrue();
    arriving.run();
    arriving.run();
    assertThat(worker.ingesting()).as("a handle ends its batch once").isZero();
    assertThat(worker.yielding()).as("nothing on its way, QUIET over").isFalse();

    RollupWorker bounded = new RollupWorker(DB.shared(), Duration.ofSeconds(2), Duration.ZERO,
        Duration.ofMillis(300));
    Runnable stuck = new PgAccountingStore(DB.shared(), bounded).batchArriving(); // e.g. a very slow sender
    bounded.acknowledged();
    assertThat(bounded.yielding()).isTrue();
    Thread.sleep(400);
    assertThat(bounded.yielding()).as("never longer than the maximum yield").isFalse();
    stuck.run();
  }

  @Test
  void processKilledBeforeRollupThenRestartedReadIsExact() {
    Pool dying = DB.pool();
    new PgAccountingStore(dying).ingest(List.of(
        rec("a", "2026-11-05T10:00:00Z", "2026-11-05T14:00:00Z", "4", false, "u1"),
        rec("vm", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "24", true, "u1")), NOW).await();
    new PgAccountingStore(dying).ingest(List.of(
        rec("vm", "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", "48", true, "u2")), NOW).await();
    dying.close().await(); // the process is gone: its connections dropped, no worker ever ran

    PgAccountingStore restarted = new PgAccountingStore(DB.pool());
    assertThat(restarted.awaitRollups().await().complete()).isTrue();
    assertThat(rollupSum(DB.shared(), "month")).as("4 + the cumulative record's latest 48").isEqualByComparingTo("52");
    assertThat(rollupSum(DB.shared(), "hour")).isEqualByComparingTo("52");
    List<ReportRow> rows = monthReport(restarted);
    assertThat(rows.getFirst().value()).isEqualByComparingTo("52");
    assertThat(rows.getFirst().uniqueUsers()).as("u1 (record a) and u2 (the vm's latest version)").isEqualTo(2);
  }

  @Test
  void workerKilledMidStepThenItsClaimReturnsAndIsAppliedOnce() {
    PgAccountingStore store = new PgAccountingStore(DB.shared());
    store.ingest(List.of(rec("a", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "3", false, "u1")), NOW).await();
    Pool dying = DB.pool();
    SqlConnection conn = dying.getConnection().await();
    conn.query("BEGIN").execute().await();
    // the worker's claim and a part of its upserts, then the process dies before the commit
    assertThat(conn.preparedQuery("DELETE FROM rollup_pending WHERE $1 = ANY(facility)").execute(Tuple.of(facility))
        .await().rowCount()).isEqualTo(1);
    conn.preparedQuery("INSERT INTO rollup (granularity, bucket, facility, installation, proposal, community, metric, "
        + "value, late_value, records, late_records) VALUES ('month', '2026-11-01T00:00:00Z', $1, 'inst', 'p1', 'mx', "
        + "'cpu_core_hours', 3, 0, 1, 0)").execute(Tuple.of(facility)).await();
    dying.close().await();

    assertThat(pendingRows(DB.shared())).as("the uncommitted claim is undone").isEqualTo(1);
    assertThat(store.awaitRollups().await().complete()).isTrue();
    assertThat(rollupSum(DB.shared(), "month")).isEqualByComparingTo("3");
    assertThat(rollupSum(DB.shared(), "hour")).isEqualByComparingTo("3");
  }

  @Test
  void parallelIngestersAndTwoWorkersThenRollupsEqualTheRecords() throws Exception {
    int ingesters = 4;
    int batches = 15;
    ExecutorService threads = Executors.newFixedThreadPool(ingesters + 2);
    AtomicBoolean ingesting = new AtomicBoolean(true);
    List<Future<?>> work = new ArrayList<>();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        RollupWorker worker = new RollupWorker(DB.pool());
        workers.add(threads.submit(() -> {
          long applied = 0;
          while (ingesting.get()) {
            applied += worker.drain().await();
          }
          return applied;
        }));
      }
      for (int t = 0; t < ingesters; t++) {
        int thread = t;
        PgAccountingStore store = new PgAccountingStore(t % 2 == 0 ? DB.shared() : DB.pool());
        work.add(threads.submit(() -> {
          Random random = new Random(thread);
          for (int b = 0; b < batches; b++) {
            List<UsageRecord> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
              Instant start = Instant.parse("2026-11-28T00:00:00Z").plusSeconds(60L * random.nextInt(60 * 24 * 5));
              Instant end = start.plusSeconds(60L * random.nextInt(60 * 30));
              batch.add(new UsageRecord("broker", facility + "/" + thread + "/" + b + "/" + i, facility,
                  "inst" + random.nextInt(2), null, null, "u" + random.nextInt(30), "p" + random.nextInt(5), "mx",
                  Metric.CPU_CORE_HOURS, start, end, BigDecimal.valueOf(random.nextInt(10_000), 2), false, false));
            }
            // one cumulative record that every ingester raises: each version replaces the stored one if later
            Instant vmEnd = Instant.parse("2026-11-28T00:00:00Z").plusSeconds(3600L * (1 + random.nextInt(100)));
            batch.add(new UsageRecord("broker", facility + "/vm", facility, "inst0", null, null,
                "vm-user-" + thread, "p0", "mx", Metric.CPU_CORE_HOURS, Instant.parse("2026-11-28T00:00:00Z"), vmEnd,
                new BigDecimal(Duration.between(Instant.parse("2026-11-28T00:00:00Z"), vmEnd).toHours()), true,
                false));
            store.ingest(batch, NOW).await();
          }
        }));
      }
      for (Future<?> f : work) {
        f.get(180, TimeUnit.SECONDS);
      }
      ingesting.set(false);
      long applied = 0;
      for (Future<?> f : workers) {
        applied += (Long) f.get(60, TimeUnit.SECONDS);
      }
      assertThat(applied).as("the background workers did part of the work").isPositive();
    } finally {
      ingesting.set(false);
      threads.shutdownNow();
    }
    assertThat(new PgAccountingStore(DB.shared()).awaitRollups().await().complete()).isTrue();

    // every granularity sums to the stored records' values (each pro-rated record's shares add up exactly)
    BigDecimal records = new BigDecimal(DB.shared().preparedQuery("SELECT sum(value)::text AS v FROM usage_record "
        + "WHERE facility = $1").execute(Tuple.of(facility)).await().iterator().next().getString("v"));
    for (String g : List.of("hour", "day", "month")) {
      assertThat(rollupSum(DB.shared(), g)).as(g).isEqualByComparingTo(records);
    }
    // the monthly user sets hold exactly the users of the stored records, with their record counts
    Map<List<String>, Long> expected = new HashMap<>();
    for (Row r : DB.shared().preparedQuery("SELECT date_trunc('month', s, 'UTC')::text AS m, installation, proposal, "
        + "user_id, count(*) AS n FROM (SELECT installation, proposal, user_id, m AS s FROM usage_record, "
        + "generate_series(date_trunc('month', start_at, 'UTC'), greatest(end_at - interval '1 microsecond', start_at), interval '1 month') "
        + "AS m WHERE facility = $1) x GROUP BY 1, 2, 3, 4").execute(Tuple.of(facility)).await()) {
      expected.put(List.of(r.getString("installation"), r.getString("proposal"), r.getString("user_id")),
          expected.getOrDefault(List.of(r.getString("installation"), r.getString("proposal"), r.getString("user_id")),
              0L) + r.getLong("n"));
    }
    Map<List<String>, Long> actual = new HashMap<>();
    for (Row r : DB.shared().preparedQuery("SELECT installation, proposal, user_id, sum(refs) AS n FROM rollup_user "
        + "WHERE facility = $1 AND granularity = 'month' GROUP BY 1, 2, 3").execute(Tuple.of(facility)).await()) {
      actual.put(List.of(r.getString("installation"), r.getString("proposal"), r.getString("user_id")),
          r.getLong("n"));
    }
    assertThat(actual).isEqualTo(expected);

    // distinct users per month: the per-group counts (facility) and the user sets (facility x installation) agree
    // with the records
    PgAccountingStore store = new PgAccountingStore(DB.shared());
    for (String month : List.of("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")) {
      Instant from = Instant.parse(month);
      Instant to = Granularity.MONTH.next(from);
      long users = DB.shared().preparedQuery("SELECT count(DISTINCT user_id) AS n FROM usage_record WHERE facility = $1 "
          + "AND start_at < $3 AND (end_at > $2 OR start_at >= $2)").execute(Tuple.of(facility,
              from.atOffset(java.time.ZoneOffset.UTC), to.atOffset(java.time.ZoneOffset.UTC))).await().iterator().next()
          .getLong("n");
      ReportQuery byFacility = new ReportQuery(from, to, Granularity.MONTH, List.of(Dimension.FACILITY), List.of(),
          Map.of(Dimension.FACILITY, List.of(facility)), false);
      assertThat(PgAccountingStore.groupingFor(Granularity.MONTH, false, from, to, byFacility.groupBy(),
          byFacility.filters())).as("read from the per-group counts").isEqualTo(1);
      assertThat(store.report(byFacility).await()).singleElement().extracting(ReportRow::uniqueUsers).isEqualTo(users);
      assertThat(store.businessMetrics(byFacility).await().activeUsers()).isEqualTo(users);
      for (Row r : DB.shared().preparedQuery("SELECT installation, count(DISTINCT user_id) AS n FROM usage_record "
          + "WHERE facility = $1 AND start_at < $3 AND (end_at > $2 OR start_at >= $2) GROUP BY 1").execute(Tuple.of(
              facility, from.atOffset(java.time.ZoneOffset.UTC), to.atOffset(java.time.ZoneOffset.UTC))).await()) {
        ReportQuery byInstallation = new ReportQuery(from, to, Granularity.MONTH, List.of(Dimension.INSTALLATION),
            List.of(), Map.of(Dimension.FACILITY, List.of(facility), Dimension.INSTALLATION,
                List.of(r.getString("installation"))), false);
        assertThat(store.report(byInstallation).await()).singleElement().extracting(ReportRow::uniqueUsers)
            .isEqualTo(r.getLong("n"));
      }
    }
  }

  @Test
  void readWhenWaitIsOverFirstThenStatusStatesTheLagAndExportsRefuse() {
    PgAccountingStore writer = new PgAccountingStore(DB.shared());
    Instant before = DB.shared().query("SELECT now() AS t").execute().await().iterator().next()
        .getOffsetDateTime("t").toInstant();
    writer.ingest(List.of(rec("a", "2026-10-05T10:00:00Z", "2026-10-05T11:00:00Z", "5", false, "u1")), NOW).await();
    RollupWorker impatient = new RollupWorker(DB.shared(), Duration.ZERO);

    RollupStatus status = impatient.await().await();
    assertThat(status.pendingRecords()).isEqualTo(1);
    assertThat(status.completeUntil()).isAfterOrEqualTo(before);
    assertThat(new PgAccountingStore(DB.shared(), impatient).awaitRollups().await().complete()).isFalse();

    PgExportStore exports = new PgExportStore(DB.shared(), impatient);
    assertThatThrownBy(() -> exports.bucketUsage(Instant.parse("2026-10-01T00:00:00Z"),
        Instant.parse("2026-11-01T00:00:00Z"), Granularity.MONTH).await())
        .isInstanceOf(RollupsBehindException.class).hasMessageContaining("1 acknowledged records");
    assertThat(exports.bucketUsage(Instant.parse("2026-09-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"),
        Granularity.MONTH).await()).as("a month the pending record does not touch").isNotNull();

    // the EOSC push leaves October out while a record of it is pending, and takes it once rolled up
    EoscLedger ledger = new PgEoscLedger(DB.shared(), impatient);
    Map<EoscSettings.Installation, String> installations = Map.of(new EoscSettings.Installation(facility, "inst"),
        "inst-id-" + facility);
    Map<Metric, String> metrics = Map.of(Metric.CPU_CORE_HOURS, "cpu-def");
    ledger.refresh(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), installations,
        metrics).await();
    assertThat(ledgerDesired(ledger)).isEmpty();
    assertThat(new RollupWorker(DB.shared()).await().await().complete()).isTrue();
    ledger.refresh(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), installations,
        metrics).await();
    assertThat(ledgerDesired(ledger)).containsExactly(new BigDecimal("5"));
    assertThat(impatient.await().await()).extracting(RollupStatus::pendingRecords).isEqualTo(0L);
  }

  List<BigDecimal> ledgerDesired(EoscLedger ledger) {
    return ledger.rows().await().stream().filter(r -> r.key().installationId().equals("inst-id-" + facility))
        .map(r -> r.desired().stripTrailingZeros()).toList();
  }
}
