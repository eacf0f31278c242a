package eu.panosc.broker.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A session shared by its owner: with one user ({@code grantee}), or through an invitation link ({@code tokenHash},
 * the SHA-256 of the link's token; the token itself is never stored). A user share redeemed from an invitation names
 * it in {@code via}. Read-only sharees may only read (the proxy refuses other methods and WebSockets).
 *
 * @param expiresAt when the share ends by itself; empty: when the session ends
 * @param revokedAt when the owner revoked it; empty while in force
 */
public record Share(String id, String sessionId, Optional<String> grantee, Optional<String> tokenHash,
    Optional<String> via, Mode mode, String createdBy, Instant created, Optional<Instant> expiresAt,
    Optional<Instant> revokedAt) {
  /** What a sharee may do. */
  public enum Mode { READ_ONLY, INTERACTIVE }

  public Share {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(grantee, "grantee");
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(via, "via");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
    if (grantee.isPresent() == tokenHash.isPresent()) {
      throw new IllegalArgumentException("a share has either a grantee or an invitation token, not both");
    }
  }

  /** Whether the share is in force at {@code now}: not revoked, not expired. */
  public boolean activeAt(Instant now) {
    return revokedAt.isEmpty() && (expiresAt.isEmpty() || now.isBefore(expiresAt.get()));
  }

  public boolean invitation() {
    return tokenHash.isPresent();
  }
}
