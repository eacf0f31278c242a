package eu.panosc.registry.oidfed;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/** A test {@link MetadataPolicyEngine} that understands only the {@code value} operator. */
final class ValueOnlyPolicyEngine implements MetadataPolicyEngine {
  @Override
  public JsonObject combineAll(List<JsonObject> policies) {
    JsonObject combined = new JsonObject();
    for (JsonObject policy : policies) {
      for (String type : policy.fieldNames()) {
        JsonObject params = policy.getJsonObject(type);
        JsonObject target = combined.getJsonObject(type);
        if (target == null) {
          target = new JsonObject();
          combined.put(type, target);
        }
        for (String param : params.fieldNames()) {
          JsonObject ops = params.getJsonObject(param);
          for (String op : ops.fieldNames()) {
            if (!"value".equals(op)) {
              throw new IllegalArgumentException("unsupported operator " + op);
            }
          }
          JsonObject existing = target.getJsonObject(param);
          if (existing != null && !Objects.equals(existing.getValue("value"), ops.getValue("value"))) {
            throw new IllegalArgumentException("conflicting value for " + param);
          }
          target.put(param, ops.copy());
        }
      }
    }
    return combined;
  }

  @Override
  public JsonObject apply(JsonObject policy, JsonObject metadata) {
    JsonObject out = metadata.copy();
    for (String type : policy.fieldNames()) {
      JsonObject md = out.getJsonObject(type);
      if (md == null) {
        continue;
      }
      JsonObject params = policy.getJsonObject(type);
      for (String param : params.fieldNames()) {
        Object value = params.getJsonObject(param).getValue("value");
        if (value == null) {
          md.remove(param);
        } else {
          md.put(param, value);
        }
      }
    }
    return out;
  }
}
