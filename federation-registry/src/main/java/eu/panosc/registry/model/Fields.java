package eu.panosc.registry.model;

import eu.panosc.platform.http.ApiException;
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

  static ApiException invalid(String field, String reason) {
    return ApiException.invalidField(field, reason);
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
    if (s.length() > max || s.chars().anyMatch(c -> c < 0x20)) {
      throw invalid(at(name), "must be at most " + max + " characters without control characters");
    }
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
    if (s.length() > max) {
      throw invalid(at(name), "must be at most " + max + " characters");
    }
    if (s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
      throw invalid(at(name), "must not contain control characters other than tabs and line breaks");
    }
    return s;
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
    return o;
  }

  JsonArray array(String name) {
    Object v = raw(name);
    if (v == null) {
      return new JsonArray();
    }
    if (!(v instanceof JsonArray a)) {
      throw invalid(at(name), "must be an array");
    }
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
