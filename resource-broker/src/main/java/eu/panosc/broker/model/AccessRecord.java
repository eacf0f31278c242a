package eu.panosc.broker.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One decision on a shared access to a session: who, through which share, granted or refused and why (the PDP's
 * answer included).
 */
public record AccessRecord(String sessionId, String user, Optional<String> shareId, boolean granted, String reason,
    java.time.Instant at) {
  public AccessRecord {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(shareId, "shareId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
