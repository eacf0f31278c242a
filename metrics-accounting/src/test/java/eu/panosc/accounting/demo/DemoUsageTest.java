package eu.panosc.accounting.demo;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoUsageTest {
  static final JsonObject FIXTURE = DemoFederation.fixture();
  static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

  static List<UsageRecord> in(List<UsageRecord> records, String from, String to) {
    Instant f = Instant.parse(from);
    Instant t = Instant.parse(to);
    return records.stream().filter(r -> !r.start().isBefore(f) && r.start().isBefore(t)).toList();
  }

  @Test
  void recordsWhenGeneratedThenThreeFullMonthsAndThisMonthUpToYesterdayForEveryFacilityAndProposal() {
    List<UsageRecord> records = DemoUsage.records(FIXTURE, NOW);
    assertThat(records).allSatisfy(r -> {
      assertThat(r.source()).isEqualTo(DemoUsage.SOURCE);
      assertThat(r.start()).isAfterOrEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
      assertThat(r.end()).isBeforeOrEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
      assertThat(r.late()).isFalse();
      assertThat(r.cumulative()).isFalse();
      assertThat(r.value().signum()).isPositive();
    });
    List<UsageRecord> lastMonth = in(records, "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    assertThat(lastMonth.stream().map(UsageRecord::facility).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("esrf", "ill", "ess", "euxfel", "eli", "ceric");
    assertThat(lastMonth.stream().map(UsageRecord::proposal).filter(p -> p != null).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("esrf:MX-2415", "esrf:HC-4410", "ill:9-10-1650", "euxfel:p002712");
    assertThat(lastMonth).anySatisfy(r -> assertThat(r.metric()).isEqualTo(Metric.GPU_HOURS));
    // storage every day for every facility: 30 days × 6
    assertThat(lastMonth.stream().filter(r -> r.metric() == Metric.STORAGE_GIB_DAYS)).hasSize(180);
    // users are the members' pseudonyms, never their canonical ids
    assertThat(records.stream().map(UsageRecord::user).filter(u -> u != null).collect(Collectors.toSet()))
        .contains(DemoUsage.pseudonym("alice@demo.panosc.eu"), DemoUsage.pseudonym("bob@demo.panosc.eu"))
        .allSatisfy(u -> assertThat(u).matches("u-[0-9a-f]{12}"));
    assertThat(DemoUsage.slug("macromolecular crystallography")).isEqualTo("macromolecular-crystallography");
    assertThat(records.stream().filter(r -> "esrf:MX-2415".equals(r.proposal())).map(UsageRecord::community)
        .distinct()).containsExactly("macromolecular-crystallography");
  }

  @Test
  void recordsWhenGeneratedAgainLaterThenSameIdsSameContentPlusOnlyTheNewDays() {
    List<UsageRecord> first = DemoUsage.records(FIXTURE, NOW);
    Set<UsageRecord.Key> keys = first.stream().map(UsageRecord::key).collect(Collectors.toSet());
    assertThat(keys).hasSize(first.size()); // no key twice
    assertThat(DemoUsage.records(FIXTURE, NOW)).isEqualTo(first);

    List<UsageRecord> later = DemoUsage.records(FIXTURE, NOW.plusSeconds(2 * 86_400));
    assertThat(later).containsAll(first);
    Set<UsageRecord.Key> added = new HashSet<>();
    later.stream().filter(r -> !keys.contains(r.key())).forEach(r -> {
      assertThat(r.start()).isAfterOrEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
      added.add(r.key());
    });
    assertThat(added).isNotEmpty();
    BigDecimal storage = later.stream().filter(r -> r.metric() == Metric.STORAGE_GIB_DAYS && added.contains(r.key()))
        .map(UsageRecord::value).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(storage.signum()).isPositive();
  }
}
