package eu.panosc.registry.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One member of the federation as stored: its validated document (never a secret in clear), its
 * owning facility (null for federation-level members) and onboarding state.
 */
public record Member(MemberKind kind, String id, String facilityId, OnboardingState state, JsonObject document,
    long version, Instant createdAt, Instant updatedAt) {

  public Member {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(document, "document");
  }

  /** The API representation: the document plus id, state, version and timestamps. */
  public JsonObject toJson() {
    return document.copy()
        .put("state", state.dbName())
        .put("version", version)
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toString());
  }
}
