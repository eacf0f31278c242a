package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * An experiment proposal. Its release date is {@code releaseOverride} when set, else its end plus the
 * facility's embargo. Its id is {@code <facility>:<proposal>} (what entitlements name, see the README).
 */
public record Proposal(String id, String facility, String title, Instant start, Instant end, Instant releaseOverride) {
  /** The longest title, in characters. */
  public static final int MAX_TITLE = 2048;

  public Proposal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(end, "end");
  }

  /**
   * This proposal, its instants truncated to microseconds (what PostgreSQL stores), if every field passes the
   * platform's {@link Input} rule and the id names the facility; else {@link InvalidInputException}.
   */
  public Proposal checked() {
    Input.id("id", id);
    Input.id("facility", facility);
    if (!id.startsWith(facility + ":") || id.length() == facility.length() + 1) {
      throw new InvalidInputException("id", "must be <facility>:<proposal>, here starting with '" + facility + ":'");
    }
    Input.text("title", title, MAX_TITLE, false);
    Instant s = Input.instant("start", start, false);
    Instant e = Input.instant("end", end, true);
    if (s != null && e.isBefore(s)) {
      throw new InvalidInputException("end", "must not be before start");
    }
    return new Proposal(id, facility, title, s, e, Input.instant("releaseDate", releaseOverride, false));
  }

  /**
   * The release date under {@code facility}'s embargo rule (years added in UTC), at most
   * {@link Input#MAX_INSTANT}: an end late in 9999 plus an embargo means "not released".
   */
  public Instant releaseDate(Facility facility) {
    if (releaseOverride != null) {
      return releaseOverride;
    }
    int years = facility == null ? 3 : facility.embargoYears();
    if (end.isAfter(Input.MAX_INSTANT)) {
      return Input.MAX_INSTANT;
    }
    Instant release = end.atZone(ZoneOffset.UTC).plusYears(years).toInstant();
    return release.isAfter(Input.MAX_INSTANT) ? Input.MAX_INSTANT : release;
  }
}
