package eu.panosc.registry.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One entry of the audit trail: who changed which member when, with its old and new value. */
public record AuditEvent(long id, Instant at, String actor, String requestId, String action, String kind,
    String memberId, JsonObject oldValue, JsonObject newValue) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("at", at.toString()).put("actor", actor).put("requestId", requestId)
        .put("action", action).put("kind", kind).put("memberId", memberId).put("old", oldValue).put("new", newValue);
  }
}
