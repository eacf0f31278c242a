package eu.panosc.pdp.model;

import java.time.Instant;
import java.util.Objects;

/** A dataset (PID or DOI) of a proposal, with its optional release override and public flag. */
public record Dataset(String pid, String proposal, String facility, String instrument, Instant created,
    Instant releaseOverride, boolean isPublic, String storageSite, String storagePath, long sizeBytes) {
  public Dataset {
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(created, "created");
  }
}
