package eu.panosc.accounting.store;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
  private static UsageRecord record(String source, String id, String facility, int endHour, boolean cumulative) {
    return new UsageRecord(source, id, facility, "hpc", null, null, null, null, null, Metric.CPU_CORE_HOURS,
        Instant.parse("2026-11-05T00:00:00Z"), Instant.parse("2026-11-05T00:00:00Z").plusSeconds(endHour * 3600L),
        BigDecimal.ONE, cumulative, false);
  }

  @Test
  void whenKeysRepeatThenFirstPlainAndLatestCumulativeKeptAndCounted() {
    BatchPlan plan = BatchPlan.of(List.of(record("s", "b", "first", 1, false), record("s", "a", "cum-2", 2, true),
        record("s", "b", "second", 1, false), record("s", "a", "cum-3", 3, true), record("s", "a", "cum-1", 1, true),
        record("s", "a", "cum-3-again", 3, true), record("r", "z", "other-source", 1, false)));

    assertThat(plan.unique).extracting(UsageRecord::facility).containsExactly("other-source", "cum-3", "first");
    assertThat(plan.duplicates).isEqualTo(2); // the second "b", and the cumulative of equal end
    assertThat(plan.stale).isEqualTo(2); // cum-2 replaced by cum-3 within the batch, then cum-1 older
  }

  @Test
  void whenShuffledThenUniqueRecordsInKeyOrderEveryWriterLocksIn() {
    List<UsageRecord> batch = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      batch.add(record("src-" + (i % 7), "id-" + i, "f", 1, false));
    }
    Collections.shuffle(batch, new Random(5));

    List<UsageRecord.Key> keys = BatchPlan.of(batch).unique.stream().map(UsageRecord::key).toList();

    assertThat(keys).hasSize(2_000).isSorted();
  }
}
