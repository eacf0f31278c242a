package eu.panosc.pdp.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * An experiment proposal. Its release date is {@code releaseOverride} when set, else its end plus the
 * facility's embargo.
 */
public record Proposal(String id, String facility, String title, Instant start, Instant end, Instant releaseOverride) {
  public Proposal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(end, "end");
  }

  /** The release date under {@code facility}'s embargo rule (years added in UTC). */
  public Instant releaseDate(Facility facility) {
    if (releaseOverride != null) {
      return releaseOverride;
    }
    int years = facility == null ? 3 : facility.embargoYears();
    return end.atZone(ZoneOffset.UTC).plusYears(years).toInstant();
  }
}
