package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.JsonValues.containsAll;
import static eu.panosc.registry.oidfed.policy.JsonValues.contains;
import static eu.panosc.registry.oidfed.policy.JsonValues.describe;
import static eu.panosc.registry.oidfed.policy.JsonValues.elements;
import static eu.panosc.registry.oidfed.policy.JsonValues.missing;
import static eu.panosc.registry.oidfed.policy.Operator.ADD;
import static eu.panosc.registry.oidfed.policy.Operator.DEFAULT;
import static eu.panosc.registry.oidfed.policy.Operator.ESSENTIAL;
import static eu.panosc.registry.oidfed.policy.Operator.ONE_OF;
import static eu.panosc.registry.oidfed.policy.Operator.SUBSET_OF;
import static eu.panosc.registry.oidfed.policy.Operator.SUPERSET_OF;
import static eu.panosc.registry.oidfed.policy.Operator.VALUE;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The operators of one metadata parameter policy, validated for operand types and allowed
 * combinations; unknown operators are dropped (6.1.3.2: ignored unless critical, which
 * {@link MetadataPolicies#checkOperators} rejects beforehand).
 *
 * @param target entity type and parameter
 * @param operators operand per standard operator, in order of application; a {@code value} operand may be null
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1.3">OpenID Federation 1.0, 6.1.3 Operators</a>
 */
record ParameterPolicy(PolicyTarget target, Map<Operator, Object> operators) {

  ParameterPolicy {
    Objects.requireNonNull(target, "target");
    operators = Collections.unmodifiableMap(new EnumMap<>(operators));
  }

  /** Parses and validates the operators object of a parameter policy. */
  static ParameterPolicy parse(PolicyTarget target, Object json) {
    if (!(json instanceof JsonObject ops)) {
      // 6.1.2: the third level is a JSON object of operators
      throw new PolicyException("entity type '" + target.entityType() + "', parameter '"
          + target.parameter() + "': policy must be a JSON object of operators");
    }
    Map<Operator, Object> map = new EnumMap<>(Operator.class);
    for (String name : ops.fieldNames()) {
      Operator.byName(name).ifPresent(op -> {
        Object operand = ops.getValue(name);
        op.checkOperand(target, operand);
        map.put(op, operand);
      });
    }
    ParameterPolicy policy = new ParameterPolicy(target, map);
    policy.checkCombinations();
    return policy;
  }

  /** Merges a subordinate's policy for the same parameter into this (superior) one (6.1.4.1). */
  ParameterPolicy merge(ParameterPolicy subordinate) {
    Map<Operator, Object> map = new EnumMap<>(operators);
    subordinate.operators.forEach((op, operand) -> map.put(op,
        map.containsKey(op) ? op.merge(target, map.get(op), operand) : operand));
    ParameterPolicy merged = new ParameterPolicy(target, map);
    // 6.1.4.1: the merged parameter policy must hold only allowed combinations
    merged.checkCombinations();
    return merged;
  }

  /** The parameter value after applying every operator in order; {@code null} means absent (6.1.4.2). */
  Object apply(Object current) {
    boolean scope = target.isScope() && (current == null || current instanceof String);
    Object value = scope && current instanceof String s ? JsonValues.splitScope(s) : current;
    for (Map.Entry<Operator, Object> e : operators.entrySet()) {
      Object operand = e.getValue();
      if (scope && operand instanceof String s && (e.getKey() == VALUE || e.getKey() == DEFAULT)) {
        operand = JsonValues.splitScope(s);
      }
      value = e.getKey().apply(target, operand, value);
    }
    if (scope && value instanceof JsonArray a) {
      return String.join(" ", elements(a).stream().map(String::valueOf).toList());
    }
    return value;
  }

  JsonObject toJson() {
    JsonObject out = new JsonObject();
    operators.forEach((op, operand) -> out.put(op.jsonName(), JsonValues.copy(operand)));
    return out;
  }

  private boolean has(Operator op) {
    return operators.containsKey(op);
  }

  private List<Object> array(Operator op) {
    return elements((JsonArray) operators.get(op));
  }

  /** Enforces the combination rules each operator declares (6.1.3.1.1 to 6.1.3.1.7). */
  void checkCombinations() {
    if (has(VALUE)) {
      checkValueCombinations();
    }
    if (has(ONE_OF)) {
      for (Operator other : List.of(ADD, SUBSET_OF, SUPERSET_OF)) {
        if (has(other)) {
          // 6.1.3.1.4: one_of combines only with value, default and essential
          throw target.error(ONE_OF, "cannot be combined with '" + other.jsonName() + "'");
        }
      }
    }
    if (has(ADD) && has(SUBSET_OF)) {
      List<Object> outside = missing(array(SUBSET_OF), array(ADD));
      if (!outside.isEmpty()) {
        // 6.1.3.1.2 / 6.1.3.1.5: add values must be a subset of subset_of
        throw target.error(ADD, "values " + describe(outside) + " are not in 'subset_of' "
            + describe(operators.get(SUBSET_OF)));
      }
    }
    if (has(SUBSET_OF) && has(SUPERSET_OF)) {
      List<Object> outside = missing(array(SUBSET_OF), array(SUPERSET_OF));
      if (!outside.isEmpty()) {
        // 6.1.3.1.5 / 6.1.3.1.6: subset_of must be a superset of superset_of
        throw target.error(SUPERSET_OF, "values " + describe(outside) + " are not in 'subset_of' "
            + describe(operators.get(SUBSET_OF)));
      }
    }
  }

  private void checkValueCombinations() {
    Object value = operators.get(VALUE);
    if (value == null) {
      if (has(DEFAULT)) {
        // 6.1.3.1.1 / 6.1.3.1.3: default only with a non-null value
        throw target.error(VALUE, "null cannot be combined with 'default'");
      }
      if (Boolean.TRUE.equals(operators.get(ESSENTIAL))) {
        // 6.1.3.1.1 / 6.1.3.1.7: value null with essential true
        throw target.error(VALUE, "null cannot be combined with 'essential' true");
      }
      if (has(ADD) && !array(ADD).isEmpty()) {
        // 6.1.3.1.1 / 6.1.3.1.2: add must be a subset of value, which has no values
        throw target.error(VALUE, "null cannot be combined with 'add' " + describe(operators.get(ADD)));
      }
      // one_of, subset_of and superset_of only check a present parameter: no conflict with removal
      return;
    }
    if (has(ONE_OF) && !contains(array(ONE_OF), value)) {
      // 6.1.3.1.1 / 6.1.3.1.4: value must be among the one_of values
      throw target.error(VALUE, describe(value) + " is not among 'one_of' "
          + describe(operators.get(ONE_OF)));
    }
    if (has(ADD)) {
      List<Object> outside = missing(valuesOf(value, ADD), array(ADD));
      if (!outside.isEmpty()) {
        // 6.1.3.1.1 / 6.1.3.1.2: add values must be a subset of value
        throw target.error(VALUE, describe(value) + " lacks 'add' values " + describe(outside));
      }
    }
    if (has(SUBSET_OF)) {
      List<Object> outside = missing(array(SUBSET_OF), valuesOf(value, SUBSET_OF));
      if (!outside.isEmpty()) {
        // 6.1.3.1.1 / 6.1.3.1.5: value must be a subset of subset_of
        throw target.error(VALUE, "values " + describe(outside) + " are not in 'subset_of' "
            + describe(operators.get(SUBSET_OF)));
      }
    }
    if (has(SUPERSET_OF) && !containsAll(valuesOf(value, SUPERSET_OF), array(SUPERSET_OF))) {
      // 6.1.3.1.1 / 6.1.3.1.6: value must be a superset of superset_of
      throw target.error(VALUE, describe(value) + " lacks 'superset_of' values "
          + describe(missing(valuesOf(value, SUPERSET_OF), array(SUPERSET_OF))));
    }
  }

  /** The values of a {@code value} operand used against an array operator; scope strings split (6.1.3.1.8). */
  private List<Object> valuesOf(Object value, Operator against) {
    if (value instanceof JsonArray a) {
      return elements(a);
    }
    if (target.isScope() && value instanceof String s) {
      return elements(JsonValues.splitScope(s));
    }
    // 6.1.3.1.1: a non-array value cannot meet an array operator's condition
    throw target.error(VALUE, describe(value) + " is not an array, so it cannot be combined with '"
        + against.jsonName() + "'");
  }
}
