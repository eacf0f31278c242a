package eu.panosc.pdp.engine;

import java.util.Map;
import java.util.Objects;

/**
 * One question to the engine: may {@code subject} do {@code action} to {@code resource} in
 * {@code context}? Property and context values are CEL values already (Long, Double, String,
 * Boolean, List, Map, Instant for {@code context.time}).
 */
public record AccessRequest(Entity subject, String action, Map<String, Object> actionProperties, Entity resource,
    Map<String, Object> context) {
  public AccessRequest {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(action, "action");
    actionProperties = actionProperties == null ? Map.of() : actionProperties;
    Objects.requireNonNull(resource, "resource");
    context = context == null ? Map.of() : context;
  }

  /** A subject or resource: type, id and properties. */
  public record Entity(String type, String id, Map<String, Object> properties) {
    public Entity {
      Objects.requireNonNull(type, "type");
      properties = properties == null ? Map.of() : properties;
    }
  }

  public AccessRequest withSubject(Entity s) {
    return new AccessRequest(s, action, actionProperties, resource, context);
  }

  public AccessRequest withResource(Entity r) {
    return new AccessRequest(subject, action, actionProperties, r, context);
  }

  public AccessRequest withAction(String a) {
    return new AccessRequest(subject, a, Map.of(), resource, context);
  }
}
