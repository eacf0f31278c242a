package eu.panosc.broker.access;

import eu.panosc.broker.model.Share;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an owner asks for: share with {@code user} (a user id as the broker sees it), or, when {@code user} is empty, an
 * invitation link; in {@code mode}; until {@code expiresAt} (empty: until the session ends).
 */
public record ShareRequest(Optional<String> user, Share.Mode mode, Optional<Instant> expiresAt) {
  public ShareRequest {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
