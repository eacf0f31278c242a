package eu.panosc.accounting.export.eosc;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One row of the sent-ledger as claimed: the record the service should hold ({@code desired}), what it holds as far
 * as we know ({@code sent}, null before the first confirmed send), its id there ({@code remoteId}, once known),
 * whether an earlier POST of it may have reached the service unconfirmed ({@code wasInFlight}) and how many attempts
 * failed in a row.
 */
public record LedgerEntry(Key key, Instant periodEnd, BigDecimal desired, BigDecimal sent, String remoteId,
    boolean wasInFlight, int attempts) {
  public LedgerEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(periodEnd, "periodEnd");
    Objects.requireNonNull(desired, "desired");
  }

  /** The record's identity at the service: installation, metric definition, group ("" for none) and period start. */
  public record Key(String installationId, String metricDefinitionId, String groupId, Instant periodStart) {
    public Key {
      Objects.requireNonNull(installationId, "installationId");
      Objects.requireNonNull(metricDefinitionId, "metricDefinitionId");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(periodStart, "periodStart");
    }
  }

  /** Whether the service may already hold this record under an id we do not know: look it up before posting. */
  public boolean needsLookup() {
    return remoteId == null && (wasInFlight || sent != null);
  }
}
