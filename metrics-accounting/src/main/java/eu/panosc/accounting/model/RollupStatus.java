package eu.panosc.accounting.model;

import java.time.Instant;
import java.util.Objects;

/**
 * How complete the rollups are at a moment: every record acknowledged before {@code completeUntil} is in them;
 * {@code pendingRecords} records are acknowledged (stored, never lost) but not rolled up yet.
 */
public record RollupStatus(long pendingRecords, Instant completeUntil) {
  public RollupStatus {
    Objects.requireNonNull(completeUntil, "completeUntil");
    if (pendingRecords < 0) {
      throw new IllegalArgumentException("pendingRecords < 0");
    }
  }

  public boolean complete() {
    return pendingRecords == 0;
  }
}
