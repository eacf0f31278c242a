package eu.panosc.platform.testing;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of hostile inputs {@link OpenApiFuzzer} sends: each entry is a label (what a report names) and the
 * raw bytes that replace a JSON value, a path segment, a query value, a header value, a form field or a whole
 * body. Path, query and form values are already percent-encoded (a fuzzer must be able to send what a client
 * library would refuse to build).
 */
public final class FuzzInputs {
  private FuzzInputs() {}

  /** One input; {@code essential} ones are always sent, the others fill an operation's budget. */
  public record Value(String label, byte[] bytes, boolean essential) {
    static Value of(String label, String text) {
      return new Value(label, text.getBytes(StandardCharsets.UTF_8), false);
    }

    static Value must(String label, String text) {
      return new Value(label, text.getBytes(StandardCharsets.UTF_8), true);
    }

    Value asEssential() {
      return new Value(label, bytes, true);
    }

    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** The kind of a JSON value in a baseline body, which picks its mutations. */
  public enum Kind { STRING, DATE_TIME, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT }

  static final int DEEP = 10_000;
  static final int MEGABYTE = 1 << 20;

  // ---------------------------------------------------------------- JSON values (replace one field)

  /** Replacements for one JSON value of {@code kind}; {@code maxLength} from the schema, or -1. */
  static List<Value> jsonValues(Kind kind, int maxLength) {
    List<Value> v = new ArrayList<>();
    v.add(Value.must("null", "null"));
    switch (kind) {
      case STRING, DATE_TIME -> {
        v.add(Value.must("number for string", "12345"));
        v.add(Value.of("object for string", "{\"a\":1}"));
        v.add(Value.of("array for string", "[\"x\"]"));
        v.add(Value.of("boolean for string", "true"));
        v.add(Value.of("empty string", "\"\""));
        v.add(Value.must("U+0000 in string", "\"a\\u0000b\""));
        v.add(Value.must("U+001B in string", "\"a\\u001bb\""));
        v.add(Value.of("U+0085 in string", "\"a\\u0085b\""));
        v.add(Value.must("lone high surrogate", "\"a\\ud800b\""));
        v.add(Value.of("lone low surrogate", "\"\\udc00\""));
        v.add(new Value("invalid UTF-8 bytes in string", concat("\"a", new byte[] {(byte) 0xC3, 0x28}, "b\""), false));
        v.add(new Value("CESU-8 surrogate bytes in string",
            concat("\"a", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "b\""), false));
        int over = maxLength > 0 ? maxLength + 1 : 600;
        v.add(Value.must(over + " characters" + (maxLength > 0 ? " (maxLength " + maxLength + ")" : ""),
            quoted("x".repeat(over))));
        v.add(Value.of("10000 characters", quoted("x".repeat(10_000))));
      }
      case INTEGER, NUMBER -> {
        v.add(Value.must("string for number", "\"12\""));
        v.add(Value.of("object for number", "{}"));
        v.add(Value.must("999999999", "999999999"));
        v.add(Value.must("-999999999", "-999999999"));
        v.add(Value.must("2^63", "9223372036854775808"));
        v.add(Value.of("-2^63-1", "-9223372036854775809"));
        v.add(Value.of("1e308", "1e308"));
        v.add(Value.must("1e400 (beyond double)", "1e400"));
        v.add(Value.of("-1", "-1"));
        v.add(Value.of("fraction", "0.5"));
        v.add(Value.of("10^30", "1000000000000000000000000000000"));
      }
      case BOOLEAN -> {
        v.add(Value.must("string for boolean", "\"true\""));
        v.add(Value.of("number for boolean", "1"));
        v.add(Value.of("object for boolean", "{}"));
      }
      case ARRAY -> {
        v.add(Value.must("object for array", "{\"a\":1}"));
        v.add(Value.of("string for array", "\"x\""));
        v.add(Value.of("[null]", "[null]"));
        v.add(Value.of("[number]", "[12345]"));
        v.add(Value.of("[object]", "[{}]"));
        v.add(Value.must(DEEP + " nested arrays", nestedArrays(DEEP)));
        v.add(Value.of("10000 elements", "[" + String.join(",", java.util.Collections.nCopies(10_000, "\"x\"")) + "]"));
      }
      case OBJECT -> {
        v.add(Value.must("array for object", "[]"));
        v.add(Value.of("string for object", "\"x\""));
        v.add(Value.of("number for object", "12345"));
        v.add(Value.of("empty object", "{}"));
        v.add(Value.must(DEEP + " nested objects", nestedObjects(DEEP)));
      }
    }
    if (kind == Kind.DATE_TIME) {
      v.addAll(dates().stream().map(d -> Value.must(d.label(), quoted(d.text()))).toList());
    }
    return v;
  }

  /** Dates a store may not read back, or a parser may choke on. */
  static List<Value> dates() {
    return List.of(
        Value.must("year +10000", "+10000-01-01T00:00:00Z"),
        Value.must("year 0", "0000-01-01T00:00:00Z"),
        Value.must("year +999999999", "+999999999-01-01T00:00:00Z"),
        Value.must("year -999999999", "-999999999-01-01T00:00:00Z"),
        Value.of("month 13", "2026-13-45T25:61:61Z"),
        Value.of("no offset", "2026-11-26T12:00:00"),
        Value.of("not a date", "yesterday"));
  }

  // ---------------------------------------------------------------- whole JSON bodies

  /** Bodies that replace a JSON request body entirely (sent as application/json). */
  static List<Value> jsonBodies(String baseline) {
    List<Value> v = new ArrayList<>();
    v.add(Value.must("empty body", ""));
    v.add(Value.must("malformed JSON '{'", "{"));
    v.add(Value.of("malformed JSON missing value", "{\"a\":}"));
    v.add(Value.of("malformed JSON missing colon", "{\"a\" 1}"));
    v.add(Value.of("unterminated array", "[1,2"));
    v.add(Value.of("trailing comma", "{\"a\":1,}"));
    v.add(Value.of("bare word", "nul"));
    v.add(Value.must("not JSON", "this is not json"));
    v.add(Value.of("trailing garbage", baseline + " x"));
    v.add(Value.must("JSON array body", "[]"));
    v.add(Value.of("JSON string body", "\"x\""));
    v.add(Value.of("JSON number body", "42"));
    v.add(Value.must("JSON null body", "null"));
    v.add(Value.must(DEEP + " nested arrays body", nestedArrays(DEEP)));
    v.add(Value.must(DEEP + " nested objects body", nestedObjects(DEEP)));
    v.add(Value.of("byte order mark", "\uFEFF" + baseline));
    v.add(new Value("invalid UTF-8 body", concat("{\"a\":\"", new byte[] {(byte) 0xFF, (byte) 0xFE}, "\"}"), false));
    v.add(Value.must("1 MB extra string field", withExtraField(baseline, "x".repeat(MEGABYTE))));
    if (baseline.startsWith("{") && baseline.length() > 2) {
      v.add(Value.of("duplicate key", "{\"fuzz\":1,\"fuzz\":2," + baseline.substring(1)));
      v.add(Value.of("unknown field", "{\"unknownFuzzField\":1," + baseline.substring(1)));
    }
    return v;
  }

  /** Content types a JSON (or other) endpoint may be sent instead of its own; "" sends none. */
  static List<Value> wrongContentTypes(String documented) {
    List<Value> v = new ArrayList<>();
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/xml", "application/json; charset=ISO-8859-1", "application/x-ndjson", "", "*/*")) {
      if (!type.equals(documented)) {
        v.add(Value.of(type.isEmpty() ? "no Content-Type" : "Content-Type " + type, type));
      }
    }
    v.set(0, v.get(0).asEssential());
    return v;
  }

  // ---------------------------------------------------------------- text bodies (NDJSON, YAML)

  /** Bodies for application/x-ndjson endpoints, around a valid first line. */
  static List<Value> ndjsonBodies(String baseline) {
    String first = baseline.lines().findFirst().orElse("{}");
    return List.of(
        Value.must("malformed line", first + "\n{\n"),
        Value.of("not JSON line", "this is not json\n"),
        Value.of("array line", "[]\n"),
        Value.must("U+0000 raw in line", first.replaceFirst("\"", "\"\u0000") + "\n"),
        Value.must(DEEP + " nested arrays line", nestedArrays(DEEP) + "\n"),
        Value.must("1 MB line", withExtraField(first, "x".repeat(MEGABYTE)) + "\n"),
        Value.of("100000 blank lines", "\n".repeat(100_000) + first + "\n"),
        Value.of("CRLF and no final newline", first + "\r\n" + first),
        new Value("invalid UTF-8 line", concat("{\"type\":\"", new byte[] {(byte) 0xC3, 0x28}, "\"}\n"), false),
        Value.of("unknown type", "{\"type\":\"fuzz\"}\n"));
  }

  /** Bodies for YAML endpoints. */
  static List<Value> yamlBodies(String baseline) {
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      bomb.append(c).append(": &").append(c).append(" [*").append((char) (c - 1));
      bomb.append(", *").append((char) (c - 1)).append(", *").append((char) (c - 1)).append(", *").append((char) (c - 1));
      bomb.append(", *").append((char) (c - 1)).append(", *").append((char) (c - 1)).append("]\n");
    }
    return List.of(
        Value.must("empty YAML", ""),
        Value.must("malformed YAML", "a: [b\n  c: }"),
        Value.must("YAML alias bomb", bomb.toString()),
        Value.of("YAML sequence", "- a\n- b\n"),
        Value.of("YAML scalar", "just text"),
        Value.must("U+0000 in YAML", baseline + "\n# \u0000\n"),
        Value.of("YAML tag", "!!java.net.URL [\"http://127.0.0.1/\"]\n"),
        Value.must(DEEP + " nested flow sequences", nestedArrays(DEEP)),
        Value.of("1 MB YAML", baseline + "\n# " + "x".repeat(MEGABYTE) + "\n"));
  }

  // ---------------------------------------------------------------- form bodies

  /** Whole form bodies with broken urlencoding or shape; {@code baseline} is a valid form. */
  static List<Value> formBodies(String baseline) {
    return List.of(
        Value.must("%ZZ", baseline + "&scope=%ZZ"),
        Value.must("&=x", "&=x&" + baseline),
        Value.must("a=%", baseline + "&a=%"),
        Value.of("lone %", "%"),
        Value.of("truncated escape %E0%A4%A", baseline + "&state=%E0%A4%A"),
        Value.of("only separators", "&&&=&="),
        Value.must("%00 name and value", "%00=%00&" + baseline),
        Value.of("invalid UTF-8 %C3%28", baseline + "&state=%C3%28"),
        Value.of("encoded lone surrogate %ED%A0%80", baseline + "&state=%ED%A0%80"),
        Value.must("1 MB value", baseline + "&state=" + "x".repeat(MEGABYTE)),
        Value.of("100000 parameters", baseline + "&a=b".repeat(100_000)),
        Value.of("JSON in a form", "{\"grant_type\":\"client_credentials\"}"),
        Value.must("empty form", ""));
  }

  /** Replacements for one form field's value (percent-encoded). */
  static List<Value> formValues() {
    return List.of(
        Value.must("%00 in field", "a%00b"),
        Value.of("%1B in field", "a%1Bb"),
        Value.of("%C2%85 in field", "a%C2%85b"),
        Value.must("%ZZ in field", "a%ZZb"),
        Value.of("encoded lone surrogate in field", "%ED%A0%80"),
        Value.must("600 characters in field", "x".repeat(600)),
        Value.of("10000 characters in field", "x".repeat(10_000)),
        Value.of("empty field", ""));
  }

  // ---------------------------------------------------------------- URL parts

  /** Path segments (already percent-encoded). */
  static List<Value> pathSegments() {
    return List.of(
        Value.must("%00", "a%00b"),
        Value.must("%2F", "a%2Fb"),
        Value.must("%2541 (double-encoded)", "%2541"),
        Value.must("..", ".."),
        Value.of("%2E%2E", "%2E%2E"),
        Value.must("600 characters", "x".repeat(600)),
        Value.of("%1B", "a%1Bb"),
        Value.of("%C2%85", "a%C2%85b"),
        Value.of("encoded lone surrogate %ED%A0%80", "a%ED%A0%80b"),
        Value.of("invalid UTF-8 %C3%28", "a%C3%28b"),
        Value.of("a+b", "a+b"),
        Value.of("%20", "%20"),
        Value.of("3000 characters", "x".repeat(3000)));
  }

  /** Values of a query parameter of this schema type (already percent-encoded). */
  static List<Value> queryValues(String type, String format) {
    List<Value> v = new ArrayList<>(List.of(
        Value.must("%00", "a%00b"),
        Value.of("%1B", "a%1Bb"),
        Value.of("%C2%85", "a%C2%85b"),
        Value.of("encoded lone surrogate", "%ED%A0%80"),
        Value.must("600 characters", "x".repeat(600)),
        Value.of("empty", "")));
    if ("integer".equals(type) || "number".equals(type)) {
      v.add(Value.must("not a number", "abc"));
      v.add(Value.must("-1", "-1"));
      v.add(Value.must("10^20", "100000000000000000000"));
      v.add(Value.of("999999999", "999999999"));
      v.add(Value.of("fraction", "0.5"));
    } else if ("boolean".equals(type)) {
      v.add(Value.must("not a boolean", "maybe"));
    }
    if ("date-time".equals(format)) {
      v.add(Value.must("year +10000", "%2B10000-01-01T00:00:00Z"));
      v.add(Value.must("year 0", "0000-01-01T00:00:00Z"));
      v.add(Value.must("year -999999999", "-999999999-01-01T00:00:00Z"));
      v.add(Value.of("not a date", "yesterday"));
    }
    return v;
  }

  /** Values of a documented header parameter (no control characters: HTTP clients refuse those). */
  static List<Value> headerValues() {
    return List.of(
        Value.must("600 characters", "x".repeat(600)),
        Value.must("huge number", "v1.99999999999999999999"),
        Value.of("negative", "v1.-1"),
        Value.of("weak ETag", "W/\"1\""),
        Value.of("quoted", "\"1\""),
        Value.of("garbage", "%00;,=\"'"),
        Value.of("8000 characters", "x".repeat(8000)));
  }

  /** Authorization headers that are not a valid token; "" sends none. */
  static List<Value> authorizations() {
    return List.of(
        Value.must("no Authorization", ""),
        Value.must("garbage bearer", "Bearer a.b.c"),
        Value.of("empty bearer", "Bearer "),
        Value.of("basic for bearer", "Basic %%%"),
        Value.of("4000-character bearer", "Bearer " + "A".repeat(4000)));
  }

  // ---------------------------------------------------------------- helpers

  static String nestedArrays(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  static String nestedObjects(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  static String quoted(String s) {
    return "\"" + s + "\"";
  }

  private static String withExtraField(String baseline, String big) {
    if (baseline.startsWith("{") && baseline.length() > 2) {
      return "{\"fuzz\":\"" + big + "\"," + baseline.substring(1);
    }
    return new JsonObject().put("fuzz", big).encode();
  }

  static byte[] concat(String prefix, byte[] middle, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
