package eu.panosc.pdp.log;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of rows as the parameters of one {@code decision_log_page} INSERT: its time span, the Bloom filters
 * of its subject and resource ids ({@link PageBloom}), and its rows as a JSON array (members named as the {@code decision_log} view's
 * columns, nulls left out). PostgreSQL cannot store the character NUL in text or jsonb; a NUL in any value is
 * written as U+FFFD, so one such value cannot cost the batch its other rows.
 */
final class PageWriter {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final char REPLACEMENT = '\uFFFD';

  private PageWriter() {}

  static Tuple page(List<LogRows.Row> rows) {
    OffsetDateTime first = null;
    OffsetDateTime last = null;
    Map<String, PageBloom.Hashes> subjects = new HashMap<>();
    Map<String, PageBloom.Hashes> resources = new HashMap<>();
    MessageDigest md5 = PageBloom.md5();
    StringBuilder body = new StringBuilder(rows.size() * 320).append('[');
    for (LogRows.Row r : rows) {
      OffsetDateTime at = r.at().withOffsetSameInstant(ZoneOffset.UTC);
      first = first == null || at.isBefore(first) ? at : first;
      last = last == null || at.isAfter(last) ? at : last;
      if (r.subjectId() != null) {
        subjects.computeIfAbsent(r.subjectId(), id -> PageBloom.hashes(md5, id));
      }
      if (r.resourceId() != null) {
        resources.computeIfAbsent(r.resourceId(), id -> PageBloom.hashes(md5, id));
      }
      if (body.length() > 1) {
        body.append(',');
      }
      row(body, r, at);
    }
    body.append(']');
    return Tuple.of(first, last, rows.size(), Buffer.buffer(PageBloom.of(subjects.values())),
        Buffer.buffer(PageBloom.of(resources.values())), body.toString());
  }

  static void row(StringBuilder b, LogRows.Row r, OffsetDateTime at) {
    b.append("{\"id\":\"").append(r.id()).append("\",\"decided_at\":\"");
    time(b, at);
    b.append('"');
    text(b, "kind", r.kind());
    number(b, "item", r.item());
    text(b, "caller", r.caller());
    text(b, "request_id", r.requestId());
    text(b, "subject_type", r.subjectType());
    text(b, "subject_id", r.subjectId());
    text(b, "resource_type", r.resourceType());
    text(b, "resource_id", r.resourceId());
    text(b, "action", r.action());
    json(b, "request", r.request());
    if (r.decision() != null) {
      b.append(",\"decision\":").append(r.decision().booleanValue());
    }
    text(b, "policy", r.policy());
    number(b, "policy_version", r.policyVersion());
    text(b, "rule", r.rule());
    text(b, "relation", r.relation());
    number(b, "error_status", r.errorStatus());
    text(b, "error_message", r.errorMessage());
    json(b, "result", r.result());
    if (r.simulated()) {
      b.append(",\"simulated\":true");
    }
    b.append('}');
  }

  /** {@code at} (UTC) as RFC 3339 with microseconds, written digit by digit (DateTimeFormatter costs ~1 µs). */
  static void time(StringBuilder b, OffsetDateTime when) {
    OffsetDateTime at = when.getOffset().equals(ZoneOffset.UTC) ? when : when.withOffsetSameInstant(ZoneOffset.UTC);
    if (at.getYear() < 1 || at.getYear() > 9999) {
      b.append(TIME.format(at));
      return;
    }
    pad(b, at.getYear(), 4).append('-');
    pad(b, at.getMonthValue(), 2).append('-');
    pad(b, at.getDayOfMonth(), 2).append('T');
    pad(b, at.getHour(), 2).append(':');
    pad(b, at.getMinute(), 2).append(':');
    pad(b, at.getSecond(), 2).append('.');
    pad(b, at.getNano() / 1000, 6).append('Z');
  }

  private static StringBuilder pad(StringBuilder b, int value, int digits) {
    for (int d = digits - 1, scale = (int) Math.pow(10, d); d >= 0; d--, scale /= 10) {
      b.append((char) ('0' + value / scale % 10));
    }
    return b;
  }

  private static void text(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(",\"").append(name).append("\":");
      quote(b, value);
    }
  }

  private static void number(StringBuilder b, String name, Integer value) {
    if (value != null) {
      b.append(",\"").append(name).append("\":").append(value.intValue());
    }
  }

  /** A value that is JSON text already (encoded by {@link LogRows}); re-encoded without NUL when it has one. */
  private static void json(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(",\"").append(name).append("\":").append(value.contains("\\u0000") ? withoutNul(value) : value);
    }
  }

  static String withoutNul(String json) {
    Object cleaned = clean(json.startsWith("[") ? new JsonArray(json) : new JsonObject(json));
    return cleaned instanceof JsonObject o ? o.encode() : ((JsonArray) cleaned).encode();
  }

  private static Object clean(Object v) {
    if (v instanceof String s) {
      return s.replace('\0', REPLACEMENT);
    }
    if (v instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey().replace('\0', REPLACEMENT), clean(e.getValue())));
      return out;
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(clean(x)));
      return out;
    }
    return v;
  }

  /** A JSON string: quotes, backslashes and control characters escaped; NUL written as U+FFFD. */
  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\0' -> b.append(REPLACEMENT);
        default -> {
          if (c < 0x20) {
            b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
