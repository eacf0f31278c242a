package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.JsonValues.contains;
import static eu.panosc.registry.oidfed.policy.JsonValues.copy;
import static eu.panosc.registry.oidfed.policy.JsonValues.describe;
import static eu.panosc.registry.oidfed.policy.JsonValues.elements;
import static eu.panosc.registry.oidfed.policy.JsonValues.intersection;
import static eu.panosc.registry.oidfed.policy.JsonValues.missing;
import static eu.panosc.registry.oidfed.policy.JsonValues.same;
import static eu.panosc.registry.oidfed.policy.JsonValues.union;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The seven standard metadata policy operators; declaration order is the order of application
 * (value, add, default, one_of, subset_of, superset_of, essential). Each constant validates its
 * operand, merges a superior's operand with a subordinate's, and applies itself to a parameter value,
 * where Java {@code null} stands for an absent parameter. Follows OpenID Federation 1.0 (final,
 * January 2026 text), 6.1.3.1.1 to 6.1.3.1.7.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1.3.1">OpenID Federation 1.0, 6.1.3.1 Standard Operators</a>
 */
enum Operator {

  /** Sets the parameter, or removes it when the operand is null; merge only if equal (6.1.3.1.1). */
  VALUE("value") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      if (operand != null && !isScalarOrContainer(operand)) {
        // 6.1.3.1.1: operand is string, number, boolean, array or null (objects: optional, supported)
        throw t.error(this, "operand must be a string, number, boolean, array, object or null");
      }
      if (operand instanceof JsonArray a) {
        checkElements(t, this, a);
      }
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      if (!same(superior, subordinate)) {
        // 6.1.3.1.1: value merge is allowed only for equal operands
        throw t.error(this, "superior " + describe(superior) + " and subordinate "
            + describe(subordinate) + " differ");
      }
      return copy(superior);
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      return copy(operand);
    }
  },

  /** Adds values to an array parameter, creating it when absent; merge is the union (6.1.3.1.2). */
  ADD("add") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      arrayOperand(t, this, operand);
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      return union(elements((JsonArray) superior), elements((JsonArray) subordinate));
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      List<Object> add = elements((JsonArray) operand);
      if (current == null) {
        return union(List.of(), add);
      }
      return union(arrayParameter(t, this, current), add);
    }
  },

  /** Sets an absent parameter; merge only if equal (6.1.3.1.3). */
  DEFAULT("default") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      if (operand == null || !isScalarOrContainer(operand)) {
        // 6.1.3.1.3: operand is string, number, boolean or array (objects: optional, supported)
        throw t.error(this, "operand must be a string, number, boolean, array or object");
      }
      if (operand instanceof JsonArray a) {
        checkElements(t, this, a);
      }
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      if (!same(superior, subordinate)) {
        // 6.1.3.1.3: default operands must be equal
        throw t.error(this, "superior " + describe(superior) + " and subordinate "
            + describe(subordinate) + " differ");
      }
      return copy(superior);
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      return current == null ? copy(operand) : current;
    }
  },

  /** A present single-valued parameter must be one of the listed; merge is the non-empty intersection (6.1.3.1.4). */
  ONE_OF("one_of") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      if (arrayOperand(t, this, operand).isEmpty()) {
        // 6.1.3.1.4: an empty one_of admits no value (an empty merged one_of is an error too)
        throw t.error(this, "operand must not be empty");
      }
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      JsonArray both = intersection(elements((JsonArray) superior), elements((JsonArray) subordinate));
      if (both.isEmpty()) {
        // 6.1.3.1.4: empty intersection of one_of operands
        throw t.error(this, "superior " + describe(superior) + " and subordinate "
            + describe(subordinate) + " have no value in common");
      }
      return both;
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      if (current == null) {
        return null;
      }
      if (current instanceof JsonArray || current instanceof Boolean) {
        // 6.1.3.1.4: parameter must be a string (number, object: optional, supported)
        throw t.error(this, "metadata value " + describe(current)
            + " is not a single string, number or object");
      }
      if (!contains(elements((JsonArray) operand), current)) {
        // 6.1.3.1.4: value must be one of the listed
        throw t.error(this, "metadata value " + describe(current) + " is not one of "
            + describe(operand));
      }
      return current;
    }
  },

  /** A present array parameter becomes its intersection with the operand; merge is the intersection (6.1.3.1.5). */
  SUBSET_OF("subset_of") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      arrayOperand(t, this, operand);
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      return intersection(elements((JsonArray) superior), elements((JsonArray) subordinate));
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      if (current == null) {
        return null;
      }
      // 6.1.3.1.5: the intersection may be [], which is kept (not removed)
      return intersection(arrayParameter(t, this, current), elements((JsonArray) operand));
    }
  },

  /** A present array parameter must contain every operand value; merge is the union (6.1.3.1.6). */
  SUPERSET_OF("superset_of") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      arrayOperand(t, this, operand);
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      return union(elements((JsonArray) superior), elements((JsonArray) subordinate));
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      if (current == null) {
        return null;
      }
      List<Object> lacking = missing(arrayParameter(t, this, current), elements((JsonArray) operand));
      if (!lacking.isEmpty()) {
        // 6.1.3.1.6: parameter must contain all operand values
        throw t.error(this, "metadata value " + describe(current) + " lacks " + describe(lacking));
      }
      return current;
    }
  },

  /** When true the parameter must be present after all other operators; merge is OR (6.1.3.1.7). */
  ESSENTIAL("essential") {
    @Override
    void checkOperand(PolicyTarget t, Object operand) {
      if (!(operand instanceof Boolean)) {
        // 6.1.3.1.7: operand is a boolean
        throw t.error(this, "operand must be a boolean");
      }
    }

    @Override
    Object merge(PolicyTarget t, Object superior, Object subordinate) {
      return (Boolean) superior || (Boolean) subordinate;
    }

    @Override
    Object apply(PolicyTarget t, Object operand, Object current) {
      if (current == null && (Boolean) operand) {
        // 6.1.3.1.7: essential parameter absent
        throw t.error(this, "parameter is essential but absent");
      }
      return current;
    }
  };

  private final String jsonName;

  Operator(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The operator's name in a {@code metadata_policy}. */
  String jsonName() {
    return jsonName;
  }

  /** The standard operator of that name, if any (names are case-sensitive, 6.1.3). */
  static Optional<Operator> byName(String name) {
    for (Operator op : values()) {
      if (op.jsonName.equals(name)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }

  /** Rejects an operand of an unsupported JSON type. */
  abstract void checkOperand(PolicyTarget t, Object operand);

  /** Merges the superior's operand with the subordinate's (6.1.4.1, operator level). */
  abstract Object merge(PolicyTarget t, Object superior, Object subordinate);

  /** The parameter value after this operator; {@code null} means absent (6.1.4.2). */
  abstract Object apply(PolicyTarget t, Object operand, Object current);

  private static boolean isScalarOrContainer(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean
        || v instanceof JsonArray || v instanceof JsonObject;
  }

  static List<Object> arrayOperand(PolicyTarget t, Operator op, Object operand) {
    if (!(operand instanceof JsonArray a)) {
      // 6.1.3.1.2, 6.1.3.1.4-6: operand is an array of strings (objects, numbers: optional, supported)
      throw t.error(op, "operand must be an array");
    }
    checkElements(t, op, a);
    return elements(a);
  }

  static void checkElements(PolicyTarget t, Operator op, JsonArray a) {
    for (Object e : elements(a)) {
      if (!(e instanceof String || e instanceof Number || e instanceof JsonObject)) {
        // 6.1.3.1: array operands hold strings, numbers or objects
        throw t.error(op, "array element " + describe(e) + " is not a string, number or object");
      }
    }
  }

  private static List<Object> arrayParameter(PolicyTarget t, Operator op, Object current) {
    if (!(current instanceof JsonArray a)) {
      // 6.1.3: a parameter of an unsupported JSON type is a policy error
      throw t.error(op, "metadata value " + describe(current) + " is not an array");
    }
    return elements(a);
  }
}
