package eu.panosc.registry.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one JSON object of an admin request, failing with a problem+json that names the field (as a
 * JSON pointer such as {@code /redirectUris/0}) and what is expected. Unknown fields are rejected so a
 * misspelt one is never silently dropped.
 */
final class Fields {
  /** The longest single string accepted where no tighter bound applies (URLs, grant types, ...). */
  static final int MAX_STRING = 2048;
  /** How deep a free-form JSON value (a JWKS, a metadata policy) may nest. */
  static final int MAX_DEPTH = 16;
  /** How many strings, numbers and members a free-form JSON value may hold in all. */
  static final int MAX_NODES = 10_000;

  private final JsonObject json;
  private final String pointer;
  private final Set<String> read = new LinkedHashSet<>();

  Fields(JsonObject json, String pointer) {
    this.json = Objects.requireNonNull(json, "json");
    this.pointer = pointer;
  }

  static Fields of(JsonObject json) {
    return new Fields(json, "");
  }

  String at(String name) {
    return pointer + "/" + name;
  }

  static InvalidInputException invalid(String field, String reason) {
    return new InvalidInputException(field, reason);
  }

  private Object raw(String name) {
    read.add(name);
    return json.getValue(name);
  }

  String requiredString(String name, Pattern pattern, String expected) {
    String v = optionalString(name, pattern, expected);
    if (v == null) {
      throw invalid(at(name), "is required");
    }
    return v;
  }

  String optionalString(String name, Pattern pattern, String expected) {
    Object v = raw(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw invalid(at(name), "must be a string");
    }
    clean(at(name), s, MAX_STRING);
    if (pattern != null && !pattern.matcher(s).matches()) {
      throw invalid(at(name), "must be " + expected);
    }
    return s;
  }

  String text(String name, int max, boolean required) {
    Object v = raw(name);
    if (v == null) {
      if (required) {
        throw invalid(at(name), "is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw invalid(at(name), "must be a non-empty string");
    }
    clean(at(name), s, max);
    return s.strip();
  }

  /** A multi-line document (XML, PEM): tabs and line breaks allowed, other control characters not. */
  String document(String name, int max) {
    Object v = raw(name);
    if (v == null) {
      throw invalid(at(name), "is required");
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw invalid(at(name), "must be a non-empty string");
    }
    try {
      return Input.document(at(name), s, max);
    } catch (InvalidInputException e) {
      throw invalid(e.field(), e.reason());
    }
  }

  int integer(String name, int fallback, int min, int max) {
    Object v = raw(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < min || n.longValue() > max) {
      throw invalid(at(name), "must be an integer between " + min + " and " + max);
    }
    return n.intValue();
  }

  boolean bool(String name, boolean fallback) {
    Object v = raw(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw invalid(at(name), "must be true or false");
    }
    return b;
  }

  List<String> strings(String name, Pattern pattern, String expected, boolean required, int maxItems) {
    Object v = raw(name);
    if (v == null) {
      if (required) {
        throw invalid(at(name), "is required");
      }
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(at(name), "must be an array of strings");
    }
    if (a.size() > maxItems) {
      throw invalid(at(name), "must have at most " + maxItems + " items");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Object item = a.getValue(i);
      if (item instanceof String s) {
        clean(at(name) + "/" + i, s, MAX_STRING);
      }
      if (!(item instanceof String s) || (pattern != null && !pattern.matcher(s).matches())) {
        throw invalid(at(name) + "/" + i, "must be " + expected);
      }
      if (out.contains(s)) {
        throw invalid(at(name) + "/" + i, "duplicates an earlier item");
      }
      out.add(s);
    }
    return out;
  }

  <E extends Enum<E>> E enumValue(String name, Class<E> type, E fallback) {
    Object v = raw(name);
    if (v == null) {
      if (fallback == null) {
        throw invalid(at(name), "is required");
      }
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (e.toString().equals(v)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.toString());
    }
    throw invalid(at(name), "must be one of " + String.join(", ", allowed));
  }

  JsonObject object(String name, boolean required) {
    Object v = raw(name);
    if (v == null) {
      if (required) {
        throw invalid(at(name), "is required");
      }
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw invalid(at(name), "must be an object");
    }
    checkJson(at(name), o, 0, new int[1]);
    return o;
  }

  /** One line of text checked with the platform's input rule, failing as a problem naming {@code field}. */
  static String clean(String field, String s, int max) {
    try {
      return Input.text(field, s, max, false);
    } catch (InvalidInputException e) {
      throw invalid(e.field(), e.reason());
    }
  }

  /**
   * A free-form JSON value as PostgreSQL's JSONB can store and give back: every key and string clean text
   * (JSONB refuses U+0000), numbers finite, bounded depth and size.
   */
  static void checkJson(String field, Object value, int depth, int[] nodes) {
    if (++nodes[0] > MAX_NODES) {
      throw invalid(field, "is too large (more than " + MAX_NODES + " values)");
    }
    if (depth > MAX_DEPTH) {
      throw invalid(field, "nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (value) {
      case null -> { }
      case String s -> clean(field, s, 64 * 1024);
      case Number n -> {
        if (n instanceof Double || n instanceof Float) {
          if (!Double.isFinite(n.doubleValue())) {
            throw invalid(field, "must be a finite number");
          }
        }
      }
      case Boolean b -> { }
      case JsonObject o -> {
        for (String key : o.fieldNames()) {
          clean(field, key, 256);
          checkJson(field + "/" + key, o.getValue(key), depth + 1, nodes);
        }
      }
      case JsonArray a -> {
        for (int i = 0; i < a.size(); i++) {
          checkJson(field + "/" + i, a.getValue(i), depth + 1, nodes);
        }
      }
      default -> throw invalid(field, "must be a JSON value");
    }
  }

  JsonArray array(String name) {
    Object v = raw(name);
    if (v == null) {
      return new JsonArray();
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(at(name), "must be an array");
    }
    checkJson(at(name), a, 0, new int[1]);
    return a;
  }

  /** An absolute https URL (http only for localhost when {@code allowLocalHttp}), without fragment. */
  URI url(String name, boolean required, boolean allowLocalHttp) {
    String s = optionalString(name, null, null);
    if (s == null) {
      if (required) {
        throw invalid(at(name), "is required");
      }
      return null;
    }
    return checkUrl(at(name), s, allowLocalHttp);
  }

  static URI checkUrl(String field, String s, boolean allowLocalHttp) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw invalid(field, "must be an absolute URL");
    }
    if (!uri.isAbsolute() || uri.getHost() == null || uri.getFragment() != null || uri.getUserInfo() != null) {
      throw invalid(field, "must be an absolute URL with a host, without fragment or user info");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if ("https".equals(scheme)) {
      return uri;
    }
    boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
    if ("http".equals(scheme) && local) {
      if (allowLocalHttp) {
        return uri;
      }
      throw invalid(field, "must use https (http://localhost is accepted only in demo mode)");
    }
    throw invalid(field, "must use https");
  }

  /** Fails on any field that was not read. */
  void rejectUnknown() {
    for (String name : json.fieldNames()) {
      if (!read.contains(name)) {
        throw invalid(at(name), "is not a known field here; known fields: " + String.join(", ", read));
      }
    }
  }
}
