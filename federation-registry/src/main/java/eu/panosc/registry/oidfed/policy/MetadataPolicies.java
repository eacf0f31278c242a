package eu.panosc.registry.oidfed.policy;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Resolves ({@link #combine}, {@link #combineAll}) and applies ({@link #apply}) OpenID Federation
 * {@code metadata_policy} claims: {@code {entityType: {parameter: {operator: operand}}}}.
 *
 * <p>Follows OpenID Federation 1.0, final text (January 2026): 6.1.2 Structure, 6.1.3 Operators,
 * 6.1.3.1.1-6.1.3.1.8 the standard operators and notes, 6.1.3.2 Additional Operators
 * ({@code metadata_policy_crit}), 6.1.4.1 Resolution (merge), 6.1.4.2 Application, 6.1.5 Example.
 * Operators not among the standard seven are ignored by {@code combine} and {@code apply} and
 * dropped from the combined policy; call {@link #checkOperators} on each statement's policy first,
 * as 6.1.4.1 validates every policy before it is merged.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1">OpenID Federation 1.0, 6.1 Metadata Policy</a>
 */
public final class MetadataPolicies {
  private MetadataPolicies() {}

  /** Merges a superior's metadata_policy with a subordinate's (both: {entityType: {param: {operator: value}}}); result is the combined policy. */
  public static JsonObject combine(JsonObject superior, JsonObject subordinate) {
    Objects.requireNonNull(superior, "superior");
    Objects.requireNonNull(subordinate, "subordinate");
    Map<String, Map<String, ParameterPolicy>> current = parse(superior);
    parse(subordinate).forEach((entityType, params) -> {
      Map<String, ParameterPolicy> existing = current.get(entityType);
      if (existing == null) {
        current.put(entityType, params);
        return;
      }
      params.forEach((param, policy) -> existing.merge(param, policy, ParameterPolicy::merge));
    });
    return toJson(current);
  }

  /** Combines a list ordered from the trust anchor down (index 0 = trust anchor's statement about its subordinate). */
  public static JsonObject combineAll(List<JsonObject> fromTrustAnchorDown) {
    Objects.requireNonNull(fromTrustAnchorDown, "fromTrustAnchorDown");
    JsonObject current = null;
    for (JsonObject next : fromTrustAnchorDown) {
      if (next == null) {
        continue; // 6.1.4.1: statements without a metadata_policy claim are skipped
      }
      current = current == null ? toJson(parse(next)) : combine(current, next);
    }
    return current == null ? new JsonObject() : current;
  }

  /** Applies a combined policy to a metadata object ({entityType: {param: value}}); returns the resulting metadata (input untouched). */
  public static JsonObject apply(JsonObject policy, JsonObject metadata) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(metadata, "metadata");
    Map<String, Map<String, ParameterPolicy>> resolved = parse(policy);
    JsonObject out = metadata.copy();
    for (String entityType : metadata.fieldNames()) {
      Map<String, ParameterPolicy> params = resolved.get(entityType);
      if (params == null) {
        continue;
      }
      if (!(out.getValue(entityType) instanceof JsonObject typeMetadata)) {
        // 6.1.4.2: metadata for an entity type is a JSON object of parameters
        throw new PolicyException("entity type '" + entityType + "': metadata must be a JSON object");
      }
      params.forEach((param, parameterPolicy) -> {
        Object result = parameterPolicy.apply(typeMetadata.getValue(param));
        if (result == null) {
          typeMetadata.remove(param); // 6.1.3: operators never output null, absence instead
        } else {
          typeMetadata.put(param, result);
        }
      });
    }
    return out;
  }

  /**
   * Validates a policy the registry is about to store: every operator must be one of the seven standard
   * ones (this trust anchor defines no others and publishes no {@code metadata_policy_crit}), operand types
   * and operator combinations must be valid (6.1.3).
   *
   * @throws PolicyException naming the entity type, parameter and operator
   */
  public static void validate(JsonObject policy) {
    for (String entityType : policy.fieldNames()) {
      if (!(policy.getValue(entityType) instanceof JsonObject params)) {
        throw new PolicyException("entity type '" + entityType + "': the policy must be an object of parameters");
      }
      for (String param : params.fieldNames()) {
        if (!(params.getValue(param) instanceof JsonObject ops)) {
          throw new PolicyException("entity type '" + entityType + "', parameter '" + param
              + "': the policy must be an object of operators");
        }
        for (String op : ops.fieldNames()) {
          if (Operator.byName(op).isEmpty()) {
            throw new PolicyException("entity type '" + entityType + "', parameter '" + param + "', operator '" + op
                + "': unknown operator (known: value, add, default, one_of, subset_of, superset_of, essential)");
          }
        }
      }
    }
    combineAll(List.of(policy));
  }

  /** Rejects a policy using an operator not in the standard seven unless listed in metadataPolicyCrit... see spec: unknown operators not in metadata_policy_crit are ignored; those listed in it that we don't support → error. */
  public static void checkOperators(JsonObject policy, Set<String> metadataPolicyCrit) {
    Objects.requireNonNull(policy, "policy");
    Set<String> crit = metadataPolicyCrit == null ? Set.of() : metadataPolicyCrit;
    forEachParameter(policy, (target, operators) -> {
      for (String name : operators.fieldNames()) {
        if (Operator.byName(name).isEmpty() && crit.contains(name)) {
          // 6.1.3.2 / 6.1.4.1: a critical operator that is not understood is a policy error
          throw target.error(name, "listed in metadata_policy_crit but not supported");
        }
      }
    });
  }

  private static Map<String, Map<String, ParameterPolicy>> parse(JsonObject policy) {
    Map<String, Map<String, ParameterPolicy>> out = new LinkedHashMap<>();
    for (String entityType : policy.fieldNames()) {
      Map<String, ParameterPolicy> params = new LinkedHashMap<>();
      JsonObject typePolicy = typePolicy(policy, entityType);
      for (String param : typePolicy.fieldNames()) {
        PolicyTarget target = new PolicyTarget(entityType, param);
        params.put(param, ParameterPolicy.parse(target, typePolicy.getValue(param)));
      }
      out.put(entityType, params);
    }
    return out;
  }

  private static void forEachParameter(JsonObject policy,
      BiConsumer<PolicyTarget, JsonObject> action) {
    for (String entityType : policy.fieldNames()) {
      JsonObject typePolicy = typePolicy(policy, entityType);
      for (String param : typePolicy.fieldNames()) {
        if (!(typePolicy.getValue(param) instanceof JsonObject operators)) {
          // 6.1.2: the third level is a JSON object of operators
          throw new PolicyException("entity type '" + entityType + "', parameter '" + param
              + "': policy must be a JSON object of operators");
        }
        action.accept(new PolicyTarget(entityType, param), operators);
      }
    }
  }

  private static JsonObject typePolicy(JsonObject policy, String entityType) {
    if (!(policy.getValue(entityType) instanceof JsonObject typePolicy)) {
      // 6.1.2: the second level is a JSON object of parameter policies
      throw new PolicyException("entity type '" + entityType
          + "': metadata policy must be a JSON object of parameter policies");
    }
    return typePolicy;
  }

  private static JsonObject toJson(Map<String, Map<String, ParameterPolicy>> policy) {
    JsonObject out = new JsonObject();
    policy.forEach((entityType, params) -> {
      JsonObject typePolicy = new JsonObject();
      params.forEach((param, p) -> typePolicy.put(param, p.toJson()));
      out.put(entityType, typePolicy);
    });
    return out;
  }
}
