package eu.panosc.aai.federation.trust;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The metadata policy of a trust chain for one entity type (OpenID Federation 1.0 §6.1): the subordinate statements'
 * {@code metadata_policy} merged from the trust anchor down (§6.1.4.1), each parameter's operators checked for allowed
 * combinations, then applied to the leaf's metadata (§6.1.4.2) in the order {@code value, add, default, one_of,
 * subset_of, superset_of, essential}. Only these seven standard operators: any other is refused (this resolver knows no
 * critical extension operators, so an unknown one cannot be ignored safely). Every failure is a
 * {@link TrustChainException} with reason {@code POLICY} naming the parameter and operator.
 */
public final class MetadataPolicy {
  /** The standard operators in order of application. */
  static final List<String> OPERATORS = List.of("value", "add", "default", "one_of", "subset_of", "superset_of",
      "essential");
  private static final Set<String> ARRAY_OPERATORS = Set.of("add", "one_of", "subset_of", "superset_of");

  private final String entityType;
  /** parameter to operator to operand, merged. */
  private final Map<String, Map<String, Object>> merged;

  private MetadataPolicy(String entityType, Map<String, Map<String, Object>> merged) {
    this.entityType = entityType;
    this.merged = merged;
  }

  /**
   * The policies of {@code statements} for {@code entityType}, the trust anchor's first, merged.
   *
   * @param policiesTopDown each statement's whole {@code metadata_policy} claim, from the trust anchor's statement down
   */
  public static MetadataPolicy merge(String entityType, List<JsonObject> policiesTopDown) {
    Objects.requireNonNull(entityType, "entityType");
    Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
    for (JsonObject whole : policiesTopDown) {
      Object forType = whole.getValue(entityType);
      if (forType == null) {
        continue;
      }
      if (!(forType instanceof JsonObject policy)) {
        throw error(entityType, null, null, "the policy is not an object");
      }
      for (String parameter : policy.fieldNames()) {
        if (!(policy.getValue(parameter) instanceof JsonObject ops)) {
          throw error(entityType, parameter, null, "the parameter's policy is not an object");
        }
        Map<String, Object> into = merged.computeIfAbsent(parameter, p -> new LinkedHashMap<>());
        for (String op : ops.fieldNames()) {
          Object operand = ops.getValue(op);
          checkOperand(entityType, parameter, op, operand);
          if (!into.containsKey(op)) {
            into.put(op, operand);
          } else {
            into.put(op, mergeOperand(entityType, parameter, op, into.get(op), operand));
          }
        }
        checkCombination(entityType, parameter, into);
      }
    }
    return new MetadataPolicy(entityType, merged);
  }

  /** {@code metadata} (the leaf's metadata of this entity type) with the policy applied: a new object. */
  public JsonObject apply(JsonObject metadata) {
    JsonObject out = metadata.copy();
    for (Map.Entry<String, Map<String, Object>> p : merged.entrySet()) {
      String parameter = p.getKey();
      Map<String, Object> ops = p.getValue();
      Object current = out.getValue(parameter);
      for (String op : OPERATORS) {
        if (!ops.containsKey(op)) {
          continue;
        }
        Object operand = ops.get(op);
        current = switch (op) {
          case "value" -> operand;
          case "add" -> current == null ? union(List.of(), list(operand))
              : union(array(parameter, op, current), list(operand));
          case "default" -> current == null ? operand : current;
          case "one_of" -> {
            if (current != null && (current instanceof JsonArray || !list(operand).contains(current))) {
              throw error(entityType, parameter, op, "the value " + current + " is not one of " + operand);
            }
            yield current;
          }
          case "subset_of" -> current == null ? null : intersection(array(parameter, op, current), list(operand));
          case "superset_of" -> {
            if (current != null && !array(parameter, op, current).containsAll(list(operand))) {
              throw error(entityType, parameter, op, "the value " + current + " lacks some of " + operand);
            }
            yield current;
          }
          case "essential" -> {
            if (current == null && Boolean.TRUE.equals(operand)) {
              throw error(entityType, parameter, op, "the parameter is essential but absent");
            }
            yield current;
          }
          default -> current;
        };
      }
      if (current == null) {
        out.remove(parameter);
      } else {
        out.put(parameter, current);
      }
    }
    return out;
  }

  private static void checkOperand(String type, String parameter, String op, Object operand) {
    if (!OPERATORS.contains(op)) {
      throw error(type, parameter, op, "is not a standard operator (unknown operators are refused)");
    }
    if (ARRAY_OPERATORS.contains(op) && !(operand instanceof JsonArray)) {
      throw error(type, parameter, op, "the operand is not an array");
    }
    if ("one_of".equals(op) && ((JsonArray) operand).isEmpty()) {
      throw error(type, parameter, op, "the operand is empty");
    }
    if ("essential".equals(op) && !(operand instanceof Boolean)) {
      throw error(type, parameter, op, "the operand is not a boolean");
    }
    if ("default".equals(op) && operand == null) {
      throw error(type, parameter, op, "the operand is null");
    }
  }

  /** §6.1.4.1: a superior's operand merged with a subordinate's. */
  private static Object mergeOperand(String type, String parameter, String op, Object superior, Object subordinate) {
    return switch (op) {
      case "value", "default" -> {
        if (!Objects.equals(superior, subordinate)) {
          throw error(type, parameter, op, "the superior's " + superior + " and the subordinate's " + subordinate
              + " differ");
        }
        yield superior;
      }
      case "add", "superset_of" -> union(list(superior), list(subordinate));
      case "subset_of" -> intersection(list(superior), list(subordinate));
      case "one_of" -> {
        JsonArray both = intersection(list(superior), list(subordinate));
        if (both.isEmpty()) {
          throw error(type, parameter, op, "the superior's " + superior + " and the subordinate's " + subordinate
              + " have nothing in common");
        }
        yield both;
      }
      case "essential" -> (Boolean) superior || (Boolean) subordinate;
      default -> throw error(type, parameter, op, "is not a standard operator");
    };
  }

  /** §6.1.3.1: the combinations the operators allow within one parameter. */
  private static void checkCombination(String type, String parameter, Map<String, Object> ops) {
    if (ops.containsKey("one_of")) {
      for (String other : List.of("add", "subset_of", "superset_of")) {
        if (ops.containsKey(other)) {
          throw error(type, parameter, "one_of", "cannot be combined with " + other);
        }
      }
    }
    if (ops.containsKey("add") && ops.containsKey("subset_of")
        && !list(ops.get("subset_of")).containsAll(list(ops.get("add")))) {
      throw error(type, parameter, "add", "adds values outside subset_of " + ops.get("subset_of"));
    }
    if (ops.containsKey("subset_of") && ops.containsKey("superset_of")
        && !list(ops.get("subset_of")).containsAll(list(ops.get("superset_of")))) {
      throw error(type, parameter, "superset_of", "requires values outside subset_of " + ops.get("subset_of"));
    }
    if (!ops.containsKey("value")) {
      return;
    }
    Object value = ops.get("value");
    if (value == null) {
      if (ops.containsKey("default") || Boolean.TRUE.equals(ops.get("essential")) || ops.containsKey("add")) {
        throw error(type, parameter, "value", "null (remove) cannot be combined with default, add or essential true");
      }
      return;
    }
    if (ops.containsKey("one_of") && !list(ops.get("one_of")).contains(value)) {
      throw error(type, parameter, "value", value + " is not among one_of " + ops.get("one_of"));
    }
    boolean arrayOps = ops.containsKey("add") || ops.containsKey("subset_of") || ops.containsKey("superset_of");
    if (arrayOps && !(value instanceof JsonArray)) {
      throw error(type, parameter, "value", value + " is not an array, so it cannot meet add, subset_of or "
          + "superset_of");
    }
    if (!arrayOps) {
      return;
    }
    List<Object> values = list(value);
    if (ops.containsKey("add") && !values.containsAll(list(ops.get("add")))) {
      throw error(type, parameter, "value", value + " lacks add values " + ops.get("add"));
    }
    if (ops.containsKey("subset_of") && !list(ops.get("subset_of")).containsAll(values)) {
      throw error(type, parameter, "value", value + " has values outside subset_of " + ops.get("subset_of"));
    }
    if (ops.containsKey("superset_of") && !values.containsAll(list(ops.get("superset_of")))) {
      throw error(type, parameter, "value", value + " lacks superset_of values " + ops.get("superset_of"));
    }
  }

  private List<Object> array(String parameter, String op, Object current) {
    if (!(current instanceof JsonArray a)) {
      throw error(entityType, parameter, op, "the metadata value is not an array");
    }
    return a.getList();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object operand) {
    return operand instanceof JsonArray a ? a.getList() : List.of();
  }

  private static JsonArray union(List<Object> a, List<Object> b) {
    List<Object> out = new ArrayList<>(a);
    b.stream().filter(x -> !out.contains(x)).forEach(out::add);
    return new JsonArray(out);
  }

  private static JsonArray intersection(List<Object> a, List<Object> b) {
    return new JsonArray(new ArrayList<>(a.stream().filter(b::contains).distinct().toList()));
  }

  private static TrustChainException error(String type, String parameter, String op, String what) {
    return new TrustChainException(TrustChainException.Reason.POLICY, "metadata policy of " + type
        + (parameter == null ? "" : ", parameter " + parameter) + (op == null ? "" : ", operator " + op) + ": "
        + what);
  }
}
