package eu.panosc.broker.usage;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One record in metrics-accounting's ingest shape ({@code POST /accounting/v1/records}); {@code recordId} with the
 * source {@code resource-broker} is its idempotency key.
 */
public record UsageRecord(String recordId, String sessionId, JsonObject payload) {
  public static final String SOURCE = "resource-broker";

  public UsageRecord {
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(payload, "payload");
  }
}
