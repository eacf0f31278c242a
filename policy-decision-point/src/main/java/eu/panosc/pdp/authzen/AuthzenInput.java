package eu.panosc.pdp.authzen;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;

/**
 * The platform's input rule ({@link Input}) applied to AuthZEN bodies, as AuthZEN 400s naming the field.
 * Every member name and string anywhere in a body is valid UTF-16 without control characters (string
 * values may hold tab and line breaks) and at most {@link #MAX_TEXT} characters; objects and arrays nest
 * at most {@link #MAX_DEPTH} deep; numbers are finite doubles (I-JSON). Ids, types and action names are
 * {@link Input#id identifiers} of at most {@link Input#MAX_ID} characters; {@code context.time} is an
 * RFC 3339 date-time in years 1 to 9999.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN 1.0, JSON Payload Considerations</a>
 */
final class AuthzenInput {
  /** Deepest nesting of objects and arrays in a body. */
  static final int MAX_DEPTH = 32;
  /** Longest member name or string value in a body. */
  static final int MAX_TEXT = 8192;

  private AuthzenInput() {}

  /** Checks every name and value of {@code body}; the first offence is a 400. */
  static void check(JsonObject body) {
    value("", body, 0);
  }

  private static void value(String path, Object v, int depth) {
    switch (v) {
      case null -> { }
      case JsonObject o -> {
        depth(path, depth);
        for (Map.Entry<String, Object> e : o) {
          String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
          if (!Input.isClean(e.getKey(), MAX_TEXT)) {
            throw AuthzenException.badRequest((path.isEmpty() ? "a member name" : "a member name in " + path)
                + " is longer than " + MAX_TEXT + " characters, or holds control characters or invalid UTF-8");
          }
          value(p, e.getValue(), depth + 1);
        }
      }
      case JsonArray a -> {
        depth(path, depth);
        for (int i = 0; i < a.size(); i++) {
          value(path + "[" + i + "]", a.getValue(i), depth + 1);
        }
      }
      case String s -> {
        if (!s.isEmpty()) {
          guard(() -> Input.document(path, s, MAX_TEXT));
        }
      }
      case Double d -> finite(path, d);
      case Float f -> finite(path, f);
      case BigDecimal b -> finite(path, b.doubleValue());
      case BigInteger b -> finite(path, b.doubleValue());
      default -> { }
    }
  }

  private static void depth(String path, int depth) {
    if (depth >= MAX_DEPTH) {
      throw AuthzenException.badRequest((path.isEmpty() ? "the body" : path) + " nests deeper than " + MAX_DEPTH
          + " levels");
    }
  }

  private static void finite(String path, double d) {
    if (!Double.isFinite(d)) {
      throw AuthzenException.badRequest(path + " must be a number within IEEE 754 double precision");
    }
  }

  /** An identifier (id, type, action name): 1 to {@link Input#MAX_ID} characters, no control characters. */
  static String id(String path, String value) {
    return guard(() -> Input.id(path, value));
  }

  /** {@code context.time}: an RFC 3339 date-time in years 1 to 9999. */
  static Instant time(Object value) {
    if (!(value instanceof String s)) {
      throw AuthzenException.badRequest("context.time must be an RFC 3339 date-time string");
    }
    return guard(() -> Input.instant("context.time", s, true));
  }

  private static <T> T guard(java.util.function.Supplier<T> check) {
    try {
      return check.get();
    } catch (InvalidInputException e) {
      throw AuthzenException.badRequest(e.field() + " " + e.reason());
    }
  }
}
