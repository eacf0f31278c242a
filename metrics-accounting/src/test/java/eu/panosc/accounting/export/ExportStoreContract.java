package eu.panosc.accounting.export;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Granularity;
import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ExportStore} must return: bucket sums and the overlapping records of sessions. */
abstract class ExportStoreContract {
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  final String facility = "f-" + UUID.randomUUID();

  abstract ExportStore exports();

  abstract AccountingStore store();

  UsageRecord rec(String id, String session, String proposal, String start, String end, String value) {
    return new UsageRecord("broker", facility + "/" + id, facility, "hpc", null, session, "u", proposal, "mx",
        Metric.CPU_CORE_HOURS, Instant.parse(start), Instant.parse(end), new BigDecimal(value), false, false);
  }

  @Test
  void bucketUsageWhenMonthsAndDaysThenSumsPerBucketAndProposal() {
    store().ingest(List.of(rec("1", null, "P1", "2026-10-31T23:00:00Z", "2026-11-01T01:00:00Z", "4"),
        rec("2", null, "P1", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "1"),
        rec("3", null, null, "2026-11-02T05:00:00Z", "2026-11-02T06:00:00Z", "7")), NOW).await();
    List<BucketUsage> months = exports().bucketUsage(Instant.parse("2026-10-01T00:00:00Z"),
        Instant.parse("2026-12-01T00:00:00Z"), Granularity.MONTH).await().stream()
        .filter(u -> facility.equals(u.facility())).toList();
    assertThat(months).extracting(u -> u.bucket() + " " + u.proposal() + " " + u.value().toPlainString())
        .containsExactly("2026-10-01T00:00:00Z P1 2", "2026-11-01T00:00:00Z null 7", "2026-11-01T00:00:00Z P1 3");
    List<BucketUsage> days = exports().bucketUsage(Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2026-11-02T00:00:00Z"), Granularity.DAY).await().stream()
        .filter(u -> facility.equals(u.facility())).toList();
    assertThat(days).singleElement().satisfies(u -> assertThat(u.value()).isEqualByComparingTo("3"));
  }

  @Test
  void sessionRecordsWhenOverlappingTheRangeThenOnlyThoseWithASession() {
    store().ingest(List.of(rec("straddles", "s1", "P1", "2026-10-31T22:00:00Z", "2026-11-01T02:00:00Z", "4"),
        rec("ends-at-start", "s2", "P1", "2026-10-31T22:00:00Z", "2026-11-01T00:00:00Z", "1"),
        rec("instant", "s3", "P1", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", "1"),
        rec("no-session", null, "P1", "2026-11-05T00:00:00Z", "2026-11-05T01:00:00Z", "1"),
        rec("after", "s4", "P1", "2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z", "1")), NOW).await();
    List<List<UsageRecord>> sessions = new java.util.ArrayList<>();
    exports().sessionRecords(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
        sessions::add).await();
    assertThat(sessions.stream().filter(s -> facility.equals(s.getFirst().facility())).map(s -> s.getFirst()
        .session())).containsExactly("s1", "s3");
  }

  @Test
  void sessionRecordsWhenMoreRowsThanOneFetchThenEachSessionWholeOnce() {
    List<UsageRecord> many = new java.util.ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      many.add(rec("m" + i, "s-" + (i % 7), "P1", "2026-11-0" + (1 + i % 9) + "T10:00:00Z",
          "2026-11-0" + (1 + i % 9) + "T11:00:00Z", "1"));
    }
    store().ingest(many, NOW).await();
    List<List<UsageRecord>> sessions = new java.util.ArrayList<>();
    exports().sessionRecords(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
        sessions::add).await();
    List<List<UsageRecord>> mine = sessions.stream().filter(s -> facility.equals(s.getFirst().facility())).toList();
    assertThat(mine).hasSize(7).allSatisfy(s -> assertThat(s.stream().map(UsageRecord::session).distinct())
        .hasSize(1));
    assertThat(mine.stream().mapToInt(List::size).sum()).isEqualTo(2500);
    assertThat(mine.getFirst()).isSortedAccordingTo(java.util.Comparator.comparing(UsageRecord::start));
  }
}
