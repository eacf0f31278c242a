package eu.panosc.registry.model;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A validated member ready to store: its natural id, owning facility, canonical document, and for
 * confidential clients the hash of a secret (the clear secret is returned to the caller once and
 * never stored).
 */
public record MemberDraft(MemberKind kind, String id, String facilityId, JsonObject document, String secretHash,
    String clearSecret) {

  public MemberDraft {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(document, "document");
  }
}
