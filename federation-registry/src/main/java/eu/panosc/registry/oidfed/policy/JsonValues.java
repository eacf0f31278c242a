package eu.panosc.registry.oidfed.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON value helpers for policy operators: deep equality (numbers by value), order-preserving set
 * operations on arrays, copies.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1.3.1.8">OpenID Federation 1.0, 6.1.3.1.8 Notes on Operators</a>
 */
final class JsonValues {
  private JsonValues() {}

  /** JSON equality: numbers compare by value, objects by members, arrays element-wise in order. */
  static boolean same(Object a, Object b) {
    a = unwrap(a);
    b = unwrap(b);
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!same(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static Object unwrap(Object o) {
    if (o instanceof JsonObject j) {
      return j.getMap();
    }
    if (o instanceof JsonArray j) {
      return j.getList();
    }
    return o;
  }

  static boolean contains(List<Object> values, Object value) {
    for (Object v : values) {
      if (same(v, value)) {
        return true;
      }
    }
    return false;
  }

  static boolean containsAll(List<Object> values, List<Object> required) {
    for (Object r : required) {
      if (!contains(values, r)) {
        return false;
      }
    }
    return true;
  }

  /** The elements of an array, wrapped as Vert.x JSON types. */
  static List<Object> elements(JsonArray array) {
    List<Object> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(array.getValue(i));
    }
    return out;
  }

  /** Elements of {@code first} (in its order) also in {@code second}. */
  static JsonArray intersection(List<Object> first, List<Object> second) {
    JsonArray out = new JsonArray();
    for (Object v : first) {
      if (contains(second, v) && !contains(elements(out), v)) {
        out.add(copy(v));
      }
    }
    return out;
  }

  /** Elements of {@code first}, then those of {@code second} not yet present. */
  static JsonArray union(List<Object> first, List<Object> second) {
    JsonArray out = new JsonArray();
    for (Object v : first) {
      out.add(copy(v));
    }
    for (Object v : second) {
      if (!contains(elements(out), v)) {
        out.add(copy(v));
      }
    }
    return out;
  }

  static List<Object> missing(List<Object> values, List<Object> required) {
    List<Object> out = new ArrayList<>();
    for (Object r : required) {
      if (!contains(values, r)) {
        out.add(r);
      }
    }
    return out;
  }

  static Object copy(Object v) {
    if (v instanceof JsonObject o) {
      return o.copy();
    }
    if (v instanceof JsonArray a) {
      return a.copy();
    }
    return v;
  }

  static String describe(Object v) {
    if (v instanceof String s) {
      return '"' + s + '"';
    }
    if (v instanceof List<?> l) {
      return new JsonArray(new ArrayList<>(l)).encode();
    }
    return String.valueOf(v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : v);
  }

  /** Space-separated {@code scope} string as an array of scope values (6.1.3.1.8). */
  static JsonArray splitScope(String scope) {
    JsonArray out = new JsonArray();
    for (String s : scope.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
