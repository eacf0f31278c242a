package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/** A dataset (PID or DOI) of a proposal, with its optional release override and public flag. */
public record Dataset(String pid, String proposal, String facility, String instrument, Instant created,
    Instant releaseOverride, boolean isPublic, String storageSite, String storagePath, long sizeBytes) {
  /** The longest storage site name, in characters. */
  public static final int MAX_SITE = 512;
  /** The longest storage path, in characters. */
  public static final int MAX_PATH = 4096;

  public Dataset {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(created, "created");
  }

  /**
   * This dataset, its instants truncated to microseconds (what PostgreSQL stores), if every field passes the
   * platform's {@link Input} rule and it is consistent in itself: its facility is the one its proposal id
   * names ({@code <facility>:...}; the store checks the stored proposal as well), and an instrument is one of
   * that facility ({@code <facility>:<instrument>}). Else {@link InvalidInputException} naming the field.
   */
  public Dataset checked() {
    Input.id("pid", pid);
    Input.id("proposal", proposal);
    Input.id("facility", facility);
    if (!proposal.startsWith(facility + ":")) {
      throw new InvalidInputException("facility", "must be the facility of proposal " + proposal
          + " (a proposal id is <facility>:<proposal>)");
    }
    if (instrument != null) {
      Input.id("instrument", instrument);
      if (!instrument.startsWith(facility + ":") || instrument.length() == facility.length() + 1) {
        throw new InvalidInputException("instrument", "must be an instrument of facility " + facility
            + " (<facility>:<instrument>)");
      }
    }
    Input.text("storage.site", storageSite, MAX_SITE, false);
    Input.text("storage.path", storagePath, MAX_PATH, false);
    Input.range("sizeBytes", sizeBytes, 0, Long.MAX_VALUE);
    return new Dataset(pid, proposal, facility, instrument, Input.instant("created", created, true),
        Input.instant("releaseDate", releaseOverride, false), isPublic, storageSite, storagePath, sizeBytes);
  }
}
