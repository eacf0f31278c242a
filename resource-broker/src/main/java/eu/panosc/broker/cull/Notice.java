package eu.panosc.broker.cull;

import java.time.Instant;
import java.util.Objects;

/**
 * A notification about a session's end, shown in the session's JSON ({@code warnings}): a warning before an idle
 * cull or the end of its lifetime ({@code due} is when it ends unless used or extended), or that it was culled or
 * expired. One notice per session, kind, due time and lead, so a pass repeated is harmless.
 *
 * @param leadHours how long before {@code due} the warning was issued (0 for CULLED and EXPIRED)
 */
public record Notice(String sessionId, Kind kind, Instant due, int leadHours, Instant issued, String message) {
  /** What the notice says. */
  public enum Kind { IDLE_WARNING, LIFETIME_WARNING, CULLED, EXPIRED }

  public Notice {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(issued, "issued");
    Objects.requireNonNull(message, "message");
  }
}
