package eu.panosc.accounting.export.eosc;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.accounting.store.AccountingStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EoscLedger} must do: desired values follow the closed months' rollups, claims are exclusive
 * and leased, only the claimant records an outcome, failures wait for their next attempt.
 */
abstract class EoscLedgerContract {
  static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  static final Instant SINCE = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant CLOSED = Instant.parse("2026-12-01T00:00:00Z");
  final String facility = "f-" + UUID.randomUUID();
  Map<EoscSettings.Installation, String> installations;
  final Map<Metric, String> definitions = Map.of(Metric.CPU_CORE_HOURS, "def-cpu");

  abstract EoscLedger ledger();

  abstract AccountingStore store();

  /** Removes every ledger row (the claims are global). */
  abstract void clear();

  @BeforeEach
  void setUp() {
    clear();
    installations = Map.of(new EoscSettings.Installation(facility, "hpc"), "inst-" + facility);
  }

  void ingest(String id, String proposal, String start, String end, String value) {
    store().ingest(List.of(new UsageRecord("broker", facility + "/" + id, facility, "hpc", null, null, "u", proposal,
        "mx", Metric.CPU_CORE_HOURS, Instant.parse(start), Instant.parse(end), new BigDecimal(value), false, false)),
        NOW).await();
  }

  int refresh() {
    return ledger().refresh(SINCE, CLOSED, installations, definitions).await();
  }

  @Test
  void refreshWhenRunAgainThenChangesOnlyWhatTheRollupsChanged() {
    ingest("1", "P1", "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "10");
    ingest("2", null, "2026-11-10T10:00:00Z", "2026-11-10T12:00:00Z", "3");
    ingest("3", "P1", "2026-12-02T10:00:00Z", "2026-12-02T12:00:00Z", "7"); // December is not closed
    assertThat(refresh()).isEqualTo(2);
    assertThat(refresh()).isZero();
    ingest("4", "P1", "2026-10-11T10:00:00Z", "2026-10-11T12:00:00Z", "1.5");
    assertThat(refresh()).isEqualTo(1);
    assertThat(ledger().rows().await()).extracting(r -> r.key().groupId() + "@" + r.key().periodStart() + "="
        + r.desired().stripTrailingZeros().toPlainString()).containsExactly("P1@2026-10-01T00:00:00Z=11.5",
        "@2026-11-01T00:00:00Z=3");
    assertThat(ledger().refresh(Instant.parse("2026-11-01T00:00:00Z"), CLOSED, installations, definitions).await())
        .as("months before since are left alone").isZero();
  }

  @Test
  void claimWhenTwoOwnersThenDisjointUntilTheLeaseEnds() {
    for (int i = 0; i < 5; i++) {
      ingest("r" + i, "P" + i, "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "1");
    }
    refresh();
    assertThat(ledger().backlog().await()).isEqualTo(5);
    List<LedgerEntry> a = ledger().claim("a", NOW, NOW.plusSeconds(60), 3).await();
    List<LedgerEntry> b = ledger().claim("b", NOW, NOW.plusSeconds(60), 10).await();
    assertThat(a).hasSize(3);
    assertThat(b).hasSize(2);
    assertThat(a).extracting(LedgerEntry::key).doesNotContainAnyElementsOf(b.stream().map(LedgerEntry::key).toList());
    assertThat(ledger().claim("c", NOW.plusSeconds(59), NOW.plusSeconds(120), 10).await()).isEmpty();
    assertThat(ledger().claim("c", NOW.plusSeconds(60), NOW.plusSeconds(120), 10).await()).hasSize(5);
    assertThat(ledger().confirm(a.getFirst().key(), "a", BigDecimal.ONE, "x", NOW).await())
        .as("a's lease is gone").isFalse();
    assertThat(ledger().confirm(a.getFirst().key(), "c", BigDecimal.ONE, "x", NOW).await()).isTrue();
    assertThat(ledger().backlog().await()).isEqualTo(4);
    assertThat(ledger().rows().await()).filteredOn(r -> r.key().equals(a.getFirst().key())).singleElement()
        .satisfies(r -> {
          assertThat(r.sent()).isEqualByComparingTo("1");
          assertThat(r.remoteId()).isEqualTo("x");
          assertThat(r.inFlight()).isFalse();
        });
  }

  @Test
  void claimWhenUnsentThenInFlightUntilAnOutcomeAndFailureWaits() {
    ingest("1", "P1", "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "10");
    refresh();
    LedgerEntry first = ledger().claim("a", NOW, NOW.plusSeconds(60), 10).await().getFirst();
    assertThat(first.wasInFlight()).isFalse();
    assertThat(first.needsLookup()).isFalse();
    assertThat(ledger().rows().await().getFirst().inFlight()).isTrue();
    assertThat(ledger().fail(first.key(), "a", true, NOW.plusSeconds(30), "timeout").await()).isTrue();
    assertThat(ledger().nextDue().await()).contains(NOW.plusSeconds(30));
    assertThat(ledger().claim("a", NOW.plusSeconds(29), NOW.plusSeconds(90), 10).await()).isEmpty();
    LedgerEntry again = ledger().claim("a", NOW.plusSeconds(30), NOW.plusSeconds(90), 10).await().getFirst();
    assertThat(again.wasInFlight()).isTrue();
    assertThat(again.needsLookup()).isTrue();
    assertThat(again.attempts()).isEqualTo(1);
    assertThat(ledger().confirm(again.key(), "a", new BigDecimal("10"), "m1", NOW).await()).isTrue();
    assertThat(ledger().nextDue().await()).isEmpty();
    assertThat(ledger().claim("a", NOW.plusSeconds(99), NOW.plusSeconds(200), 10).await()).as("sent: not due")
        .isEmpty();
    ingest("2", "P1", "2026-10-11T10:00:00Z", "2026-10-11T12:00:00Z", "1");
    refresh();
    LedgerEntry correction = ledger().claim("a", NOW.plusSeconds(99), NOW.plusSeconds(200), 10).await().getFirst();
    assertThat(correction.remoteId()).isEqualTo("m1");
    assertThat(correction.sent()).isEqualByComparingTo("10");
    assertThat(correction.desired()).isEqualByComparingTo("11");
  }

  @Test
  void forgetWhenTheServiceLostTheRecordThenDueForAFullPostAgain() {
    ingest("1", "P1", "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", "10");
    refresh();
    LedgerEntry e = ledger().claim("a", NOW, NOW.plusSeconds(60), 10).await().getFirst();
    ledger().confirm(e.key(), "a", new BigDecimal("10"), "m1", NOW).await();
    ingest("2", "P1", "2026-10-11T10:00:00Z", "2026-10-11T12:00:00Z", "1");
    refresh();
    LedgerEntry correction = ledger().claim("a", NOW, NOW.plusSeconds(60), 10).await().getFirst();
    assertThat(ledger().forget(correction.key(), "b", "x").await()).as("not b's claim").isFalse();
    assertThat(ledger().forget(correction.key(), "a", "gone").await()).isTrue();
    LedgerEntry again = ledger().claim("a", NOW, NOW.plusSeconds(60), 10).await().getFirst();
    assertThat(again.remoteId()).isNull();
    assertThat(again.sent()).isNull();
    assertThat(again.needsLookup()).as("we know the service has none").isFalse();
    assertThat(again.desired()).isEqualByComparingTo("11");
  }
}
