package eu.panosc.registry.oidfed;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Stores the Trust Marks the trust anchor issued. */
public interface TrustMarkStore {
  Future<Void> save(TrustMarkRecord record);

  /** Records of {@code type} and/or {@code sub}; a null argument matches all. Newest first. */
  Future<List<TrustMarkRecord>> list(String type, String sub);

  /** The record whose JWT is exactly {@code jwt}. */
  Future<Optional<TrustMarkRecord>> findByJwt(String jwt);

  /** Marks the record revoked at {@code at}; false when there is no such record. */
  Future<Boolean> revoke(String id, Instant at);

  /**
   * One issued Trust Mark.
   *
   * @param expiresAt null for a Trust Mark without {@code exp}
   * @param revokedAt null unless revoked
   */
  record TrustMarkRecord(String id, String type, String sub, Instant issuedAt, Instant expiresAt, String jwt,
      Instant revokedAt) {
    public TrustMarkRecord {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(sub, "sub");
      Objects.requireNonNull(issuedAt, "issuedAt");
      Objects.requireNonNull(jwt, "jwt");
    }

    /** Not revoked and not expired at {@code now}. */
    public boolean activeAt(Instant now) {
      return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
  }
}
