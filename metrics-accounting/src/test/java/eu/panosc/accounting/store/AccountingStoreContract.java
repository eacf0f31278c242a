package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Dimension;
import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.IngestOutcome;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.ReportQuery;
import eu.panosc.accounting.model.ReportRow;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccountingStore} must do. Each test works on a facility of its own, so the tests share one
 * database. {@link #replica()} is a second store on the same data (another replica's pool).
 */
abstract class AccountingStoreContract {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  final String facility = "f-" + UUID.randomUUID();

  abstract AccountingStore store();

  abstract AccountingStore replica();

  UsageRecord rec(String id, String start, String end, String value) {
    return rec(id, start, end, value, false, "u1", "p1");
  }

  UsageRecord rec(String id, String start, String end, String value, boolean cumulative, String user,
      String proposal) {
    return new UsageRecord("broker", facility + "/" + id, facility, "inst", null, null, user, proposal, "community",
        Metric.CPU_CORE_HOURS, Instant.parse(start), Instant.parse(end), new BigDecimal(value), cumulative, false);
  }

  IngestOutcome ingest(AccountingStore s, UsageRecord... records) {
    return s.ingest(List.of(records), NOW).await();
  }

  /** This test's rows of a report grouped by facility (plus {@code more}). */
  List<ReportRow> report(String period, Granularity g, Dimension... more) {
    String[] ends = period.split("\\.\\.");
    List<Dimension> by = new ArrayList<>(List.of(Dimension.FACILITY));
    by.addAll(List.of(more));
    assertThat(store().awaitRollups().await().complete()).as("the rollups caught up within the read wait").isTrue();
    List<ReportRow> rows = store().report(new ReportQuery(Instant.parse(ends[0]), Instant.parse(ends[1]), g, by,
        List.of())).await();
    return rows.stream().filter(r -> facility.equals(r.group().get(Dimension.FACILITY))).toList();
  }

  BigDecimal total(String period, Granularity g) {
    List<ReportRow> rows = report(period, g);
    return rows.isEmpty() ? BigDecimal.ZERO : rows.get(0).value();
  }

  @Test
  void ingestWhenRetriedThenCountedOnce() {
    UsageRecord a = rec("a", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "4");
    UsageRecord b = rec("b", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "6");
    assertThat(ingest(store(), a, b)).isEqualTo(new IngestOutcome(2, 2, 0, 0, 0, 0));
    assertThat(ingest(store(), a, b)).isEqualTo(new IngestOutcome(2, 0, 0, 2, 0, 0));
    assertThat(ingest(replica(), b, a, a)).isEqualTo(new IngestOutcome(3, 0, 0, 3, 0, 0));
    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("10");
    assertThat(total("2026-11-05T10:00:00Z..2026-11-05T11:00:00Z", Granularity.HOUR)).isEqualByComparingTo("10");
    assertThat(total("2026-11-05T10:00:00Z..2026-11-05T11:00:00Z", Granularity.HOUR).toString())
        .as("plain, without exponent or trailing zeros").isEqualTo("10");
  }

  @Test
  void ingestWhenDuplicateKeyWithinBatchThenFirstCountsOnce() {
    IngestOutcome o = ingest(store(), rec("a", "2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z", "4"),
        rec("a", "2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z", "9"));
    assertThat(o.accepted()).isEqualTo(1);
    assertThat(o.duplicates()).isEqualTo(1);
    assertThat(total("2026-11-05T00:00:00Z..2026-11-06T00:00:00Z", Granularity.DAY)).isEqualByComparingTo("4");
  }

  @Test
  void ingestWhenCumulativeNewerThenReplacesAndOlderDoesNot() {
    ingest(store(), rec("vm1", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "24", true, "u1", "p1"));
    IngestOutcome newer = ingest(store(), rec("vm1", "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", "48", true,
        "u2", "p1"));
    assertThat(newer.replaced()).isEqualTo(1);
    IngestOutcome older = ingest(store(), rec("vm1", "2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z", "36", true,
        "u1", "p1"));
    assertThat(older.stale()).isEqualTo(1);
    assertThat(older.replaced()).isZero();
    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("48");
    // the old contribution is gone from every bucket, the new one spread over its two days
    assertThat(total("2026-11-01T00:00:00Z..2026-11-02T00:00:00Z", Granularity.DAY)).isEqualByComparingTo("24");
    assertThat(total("2026-11-02T00:00:00Z..2026-11-03T00:00:00Z", Granularity.DAY)).isEqualByComparingTo("24");
    assertThat(total("2026-11-01T05:00:00Z..2026-11-01T06:00:00Z", Granularity.HOUR)).isEqualByComparingTo("1");
    // the replaced record's user no longer counts
    assertThat(report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH).get(0).uniqueUsers())
        .isEqualTo(1);
  }

  @Test
  void ingestWhenCumulativeVersionsInOneBatchThenLatestWins() {
    IngestOutcome o = ingest(store(),
        rec("vm2", "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", "48", true, "u1", "p1"),
        rec("vm2", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "24", true, "u1", "p1"));
    assertThat(o.accepted()).isEqualTo(1);
    assertThat(o.stale()).isEqualTo(1);
    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("48");
  }

  @Test
  void ingestWhenReplicasRaceCumulativeVersionsThenTheLatestStandsAlone() throws Exception {
    // versions 1..40 of one cumulative record: version v ends v hours after the start and holds v core-hours
    List<UsageRecord> versions = new ArrayList<>();
    for (int v = 1; v <= 40; v++) {
      versions.add(rec("vm-race", "2026-11-10T00:00:00Z", Instant.parse("2026-11-10T00:00:00Z").plusSeconds(3600L * v)
          .toString(), String.valueOf(v), true, "u" + v, "p1"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> odd = pool.submit(() -> {
        for (int v = 39; v >= 1; v -= 2) {
          store().ingest(List.of(versions.get(v - 1)), NOW).await();
        }
      });
      Future<?> even = pool.submit(() -> {
        for (int v = 2; v <= 40; v += 2) {
          replica().ingest(List.of(versions.get(v - 1)), NOW).await();
        }
      });
      odd.get(120, TimeUnit.SECONDS);
      even.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("40");
    assertThat(total("2026-11-10T00:00:00Z..2026-11-12T00:00:00Z", Granularity.DAY)).isEqualByComparingTo("40");
    assertThat(total("2026-11-10T00:00:00Z..2026-11-12T00:00:00Z", Granularity.HOUR)).isEqualByComparingTo("40");
    assertThat(total("2026-11-11T15:00:00Z..2026-11-11T16:00:00Z", Granularity.HOUR)).isEqualByComparingTo("1");
    assertThat(report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH).get(0).uniqueUsers())
        .as("only the latest version's user").isEqualTo(1);
  }

  @Test
  void ingestWhenRecordStraddlesHourDayAndMonthThenProRatedIntoEach() {
    // 4 hours from 2026-10-31T22:00 to 2026-11-01T02:00, 8 core-hours
    ingest(store(), rec("x", "2026-10-31T22:00:00Z", "2026-11-01T02:00:00Z", "8"));
    assertThat(total("2026-10-01T00:00:00Z..2026-11-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("4");
    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("4");
    assertThat(total("2026-10-31T00:00:00Z..2026-11-01T00:00:00Z", Granularity.DAY)).isEqualByComparingTo("4");
    assertThat(total("2026-11-01T01:00:00Z..2026-11-01T02:00:00Z", Granularity.HOUR)).isEqualByComparingTo("2");
    assertThat(total("2026-10-31T22:00:00Z..2026-11-01T02:00:00Z", Granularity.HOUR))
        .isEqualByComparingTo("8");
    assertThat(total("2026-10-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEqualByComparingTo("8");
  }

  @Test
  void ingestWhenTheDatabaseRefusesOneRecordThenNothingOfTheBatchIsStored() {
    UsageRecord good = rec("good", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "5");
    // PostgreSQL text cannot hold NUL: the service's Input rule refuses it; here it reaches the store
    UsageRecord bad = rec("bad", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "1", false, "a\u0000b", "p1");
    assertThat(store().ingest(List.of(good, bad), NOW).toCompletionStage().toCompletableFuture())
        .failsWithin(java.time.Duration.ofSeconds(30));
    assertThat(report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH)).isEmpty();
    assertThat(ingest(store(), good).accepted()).as("the good record's key was not kept").isEqualTo(1);
    assertThat(total("2026-11-05T10:00:00Z..2026-11-05T11:00:00Z", Granularity.HOUR)).isEqualByComparingTo("5");
  }

  @Test
  void reportWhenUsersRecurAcrossBucketsThenDistinctCountsAreExactNotSummed() {
    ingest(store(), rec("1", "2026-11-05T10:00:00Z", "2026-11-05T10:00:00Z", "1", false, "alice", "p1"),
        rec("2", "2026-11-06T10:00:00Z", "2026-11-06T10:00:00Z", "1", false, "alice", "p1"),
        rec("3", "2026-11-06T11:00:00Z", "2026-11-06T11:00:00Z", "1", false, "bob", "p2"),
        rec("4", "2026-11-07T11:00:00Z", "2026-11-07T11:00:00Z", "1", false, "bob", "p2"));
    // over three daily buckets alice and bob each appear twice: 2 users, 2 proposals (a sum would say 4)
    ReportRow days = report("2026-11-05T00:00:00Z..2026-11-08T00:00:00Z", Granularity.DAY).get(0);
    assertThat(days.uniqueUsers()).isEqualTo(2);
    assertThat(days.uniqueProposals()).isEqualTo(2);
    assertThat(days.value()).isEqualByComparingTo("4");
    ReportRow oneDay = report("2026-11-06T00:00:00Z..2026-11-07T00:00:00Z", Granularity.DAY).get(0);
    assertThat(oneDay.uniqueUsers()).isEqualTo(2);
    List<ReportRow> byProposal = report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH,
        Dimension.PROPOSAL);
    assertThat(byProposal).extracting(r -> r.group().get(Dimension.PROPOSAL)).containsExactly("p1", "p2");
    assertThat(byProposal).extracting(ReportRow::uniqueUsers).containsExactly(1L, 1L);
  }

  @Test
  void reportWhenLateRecordsThenRowFlaggedWithLateValue() {
    UsageRecord onTime = rec("on-time", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "3");
    UsageRecord late = rec("late", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", "2").withLate(true);
    assertThat(ingest(store(), onTime, late).late()).isEqualTo(1);
    assertThat(ingest(store(), onTime, late).late()).as("a retried late record is not late again").isZero();
    ReportRow row = report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH).get(0);
    assertThat(row.late()).isTrue();
    assertThat(row.value()).isEqualByComparingTo("5");
    assertThat(row.lateValue()).isEqualByComparingTo("2");
    ingest(store(), rec("oct", "2026-10-05T10:00:00Z", "2026-10-05T10:00:00Z", "1"));
    ReportRow october = report("2026-10-01T00:00:00Z..2026-11-01T00:00:00Z", Granularity.MONTH).get(0);
    assertThat(october.late()).isFalse();
    assertThat(october.lateValue()).isZero();
  }

  @Test
  void ingestWhenTwoReplicasSendOverlappingBatchesConcurrentlyThenEachRecordCountsOnce() throws Exception {
    int n = 400;
    List<UsageRecord> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String start = "2026-11-05T10:00:00Z";
      all.add(rec("c" + i, start, "2026-11-05T12:30:00Z", "1", false, "user" + (i % 7), "p" + (i % 3)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Void>> runs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        AccountingStore s = t == 0 ? store() : replica();
        int offset = t;
        Callable<Void> work = () -> {
          // batches of 50 overlapping by half, in opposite orders on the two threads
          for (int round = 0; round < 16; round++) {
            int from = ((offset == 0 ? round : 15 - round) * 25) % n;
            List<UsageRecord> batch = new ArrayList<>();
            for (int k = 0; k < 50; k++) {
              batch.add(all.get((from + k) % n));
            }
            if (offset == 1) {
              java.util.Collections.reverse(batch);
            }
            s.ingest(batch, NOW).await();
          }
          return null;
        };
        runs.add(pool.submit(work));
      }
      for (Future<Void> f : runs) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    // every record was in at least one batch of each thread; each counts exactly once
    assertThat(total("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH))
        .isEqualByComparingTo(String.valueOf(n));
    assertThat(total("2026-11-05T10:00:00Z..2026-11-05T11:00:00Z", Granularity.HOUR))
        .isEqualByComparingTo(String.valueOf(n * 0.4));
    ReportRow month = report("2026-11-01T00:00:00Z..2026-12-01T00:00:00Z", Granularity.MONTH).get(0);
    assertThat(month.uniqueUsers()).isEqualTo(7);
    assertThat(month.uniqueProposals()).isEqualTo(3);
    assertThat(ingest(store(), all.toArray(UsageRecord[]::new)).duplicates()).isEqualTo(n);
  }
}
