package eu.panosc.pdp.authzen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON values as CEL runtime values: integers as {@code Long}, other numbers as {@code Double}. */
final class CelValues {
  private CelValues() {}

  static Map<String, Object> map(JsonObject o) {
    if (o == null) {
      return Map.of();
    }
    Map<String, Object> out = new HashMap<>(Math.max(4, o.size() * 2));
    for (Map.Entry<String, Object> e : o) {
      Object v = value(e.getValue());
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  static Object value(Object v) {
    return switch (v) {
      case null -> null;
      case JsonObject o -> map(o);
      case JsonArray a -> {
        List<Object> list = new ArrayList<>(a.size());
        for (Object item : a) {
          Object c = value(item);
          if (c != null) {
            list.add(c);
          }
        }
        yield list;
      }
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Long l -> l;
      case BigInteger bi -> bi.doubleValue();
      case Float f -> f.doubleValue();
      case BigDecimal bd -> bd.doubleValue();
      case Double d -> d;
      case Map<?, ?> m -> map(new JsonObject(castMap(m)));
      case List<?> l -> value(new JsonArray(new ArrayList<>(l)));
      default -> v;
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
