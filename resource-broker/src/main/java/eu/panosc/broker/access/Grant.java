package eu.panosc.broker.access;

import eu.panosc.broker.model.Session;
import eu.panosc.broker.model.Share;
import java.util.Objects;
import java.util.Optional;

/**
 * Permission to reach a running session now: who ({@code user}), as owner or through a share, and in which mode.
 */
public record Grant(Session session, String user, Share.Mode mode, Optional<String> shareId) {
  public Grant {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(shareId, "shareId");
  }

  public boolean owner() {
    return shareId.isEmpty();
  }
}
