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
import java.util.Objects;

/**
 * One batch of rows as the parameters of one {@code decision_log_page} INSERT ({@code V13__decision_log_page_common.sql}):
 * its time span, the Bloom filters of its subject and resource ids ({@link PageBloom}), the page's common values and
 * its rows as a JSON array (members named as the {@code decision_log} view's columns, nulls left out), written as
 * UTF-8 bytes straight into one buffer ({@link JsonBytes}).
 *
 * <p>Common values: the members of {@link #COMMON} (kind, caller, subject and resource types, action, request,
 * decision, policy and its version, rule, relation) usually repeat on every row of a page, so the page stores the
 * first row's values once, as a JSON object, and a row leaves out each of those members whose value is the common
 * one; a row whose value differs writes it, {@code null} included (so it overrides the common value). A row is read
 * as {@code common || row} ({@code jsonb}: the row's members win). {@code id} and {@code decided_at} are always in
 * the row. This halves the bytes of a typical page (the bytes are most of the log's cost in PostgreSQL: TOAST chunks,
 * WAL, the protocol).
 *
 * <p>PostgreSQL cannot store the character NUL in text or jsonb; a NUL in any value is written as U+FFFD, so one
 * such value cannot cost the batch its other rows.
 */
final class PageWriter {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final char REPLACEMENT = '\uFFFD';
  /** The members a page may hold once for all its rows, in the order rows write them. */
  static final List<String> COMMON = List.of("kind", "caller", "subject_type", "resource_type", "action", "request",
      "decision", "policy", "policy_version", "rule", "relation");

  private PageWriter() {}

  /**
   * The parameters of the page INSERT: first_at, last_at, row_count, subject_filter, resource_filter, common (JSON
   * text), body (the JSON array as UTF-8 bytes).
   */
  static Tuple page(List<LogRows.Row> rows) {
    OffsetDateTime first = null;
    OffsetDateTime last = null;
    long firstUs = Long.MAX_VALUE;
    long lastUs = Long.MIN_VALUE;
    Map<String, PageBloom.Hashes> subjects = new HashMap<>(rows.size() * 2);
    Map<String, PageBloom.Hashes> resources = new HashMap<>(rows.size() * 2);
    MessageDigest md5 = PageBloom.md5();
    LogRows.Row common = rows.get(0);
    JsonBytes body = new JsonBytes(rows.size() * 320);
    body.ascii('[');
    for (LogRows.Row r : rows) {
      OffsetDateTime at = r.at().withOffsetSameInstant(ZoneOffset.UTC);
      long us = Math.addExact(Math.multiplyExact(at.toEpochSecond(), 1_000_000L), at.getNano() / 1000);
      if (us < firstUs) {
        firstUs = us;
        first = at;
      }
      if (us > lastUs) {
        lastUs = us;
        last = at;
      }
      if (r.subjectId() != null) {
        // the hashes remembered with the subject's pseudonym ({@link LogRows}): MD5 once per user, not per page
        PageBloom.Hashes h = r.subjectFilter();
        subjects.computeIfAbsent(r.subjectId(), id -> h != null ? h : PageBloom.hashes(md5, id));
      }
      if (r.resourceId() != null) {
        resources.computeIfAbsent(r.resourceId(), id -> PageBloom.hashes(md5, id));
      }
      if (body.length() > 1) {
        body.ascii(',');
      }
      row(body, r, at, common);
    }
    body.ascii(']');
    return Tuple.of(first, last, rows.size(), Buffer.buffer(PageBloom.of(subjects.values())),
        Buffer.buffer(PageBloom.of(resources.values())), common(common), body.buffer());
  }

  /** The common values taken from {@code r}: its members of {@link #COMMON} that are not null, as JSON text. */
  static String common(LogRows.Row r) {
    JsonBytes b = new JsonBytes(256);
    b.ascii('{');
    text(b, "kind", r.kind(), null);
    text(b, "caller", r.caller(), null);
    text(b, "subject_type", r.subjectType(), null);
    text(b, "resource_type", r.resourceType(), null);
    text(b, "action", r.action(), null);
    json(b, "request", r.request(), null);
    bool(b, "decision", r.decision(), null);
    text(b, "policy", r.policy(), null);
    number(b, "policy_version", r.policyVersion(), null);
    text(b, "rule", r.rule(), null);
    text(b, "relation", r.relation(), null);
    return b.ascii('}').toString();
  }

  /** One row, leaving out the members of {@link #COMMON} whose value is {@code common}'s (all written when null). */
  static void row(JsonBytes b, LogRows.Row r, OffsetDateTime at, LogRows.Row common) {
    b.ascii("{\"id\":\"").uuid(r.id()).ascii("\",\"decided_at\":\"");
    time(b, at);
    b.ascii('"');
    boolean all = common == null;
    if (all || !Objects.equals(r.kind(), common.kind())) {
      text(b, "kind", r.kind(), common);
    }
    number(b, "item", r.item(), null);
    if (all || !Objects.equals(r.caller(), common.caller())) {
      text(b, "caller", r.caller(), common);
    }
    text(b, "request_id", r.requestId(), null);
    if (all || !Objects.equals(r.subjectType(), common.subjectType())) {
      text(b, "subject_type", r.subjectType(), common);
    }
    text(b, "subject_id", r.subjectId(), null);
    if (all || !Objects.equals(r.resourceType(), common.resourceType())) {
      text(b, "resource_type", r.resourceType(), common);
    }
    text(b, "resource_id", r.resourceId(), null);
    if (all || !Objects.equals(r.action(), common.action())) {
      text(b, "action", r.action(), common);
    }
    if (all || !Objects.equals(r.request(), common.request())) {
      json(b, "request", r.request(), common);
    }
    if (all || !Objects.equals(r.decision(), common.decision())) {
      bool(b, "decision", r.decision(), common);
    }
    if (all || !Objects.equals(r.policy(), common.policy())) {
      text(b, "policy", r.policy(), common);
    }
    if (all || !Objects.equals(r.policyVersion(), common.policyVersion())) {
      number(b, "policy_version", r.policyVersion(), common);
    }
    if (all || !Objects.equals(r.rule(), common.rule())) {
      text(b, "rule", r.rule(), common);
    }
    if (all || !Objects.equals(r.relation(), common.relation())) {
      text(b, "relation", r.relation(), common);
    }
    number(b, "error_status", r.errorStatus(), null);
    text(b, "error_message", r.errorMessage(), null);
    json(b, "result", r.result(), null);
    if (r.simulated()) {
      b.ascii(",\"simulated\":true");
    }
    b.ascii('}');
  }

  /** {@code at} (UTC) as RFC 3339 with microseconds, written digit by digit (DateTimeFormatter costs ~1 µs). */
  static void time(JsonBytes b, OffsetDateTime when) {
    OffsetDateTime at = when.getOffset().equals(ZoneOffset.UTC) ? when : when.withOffsetSameInstant(ZoneOffset.UTC);
    if (at.getYear() < 1 || at.getYear() > 9999) {
      b.ascii(TIME.format(at));
      return;
    }
    b.padded(at.getYear(), 4).ascii('-').padded(at.getMonthValue(), 2).ascii('-').padded(at.getDayOfMonth(), 2)
        .ascii('T').padded(at.getHour(), 2).ascii(':').padded(at.getMinute(), 2).ascii(':')
        .padded(at.getSecond(), 2).ascii('.').padded(at.getNano() / 1000, 6).ascii('Z');
  }

  /** ",\"name\":" (the comma left out right after the object's opening brace). */
  private static void name(JsonBytes b, String name) {
    b.ascii(b.endsWith('{') ? "\"" : ",\"").ascii(name).ascii("\":");
  }

  /**
   * A member: left out when null and {@code common} is null (nothing to override); written as {@code null} when
   * null and {@code common} is given (the caller writes a member only when it differs from the common value).
   */
  private static void text(JsonBytes b, String name, String value, LogRows.Row common) {
    if (value != null) {
      name(b, name);
      b.string(value);
    } else if (common != null) {
      name(b, name);
      b.ascii("null");
    }
  }

  private static void number(JsonBytes b, String name, Integer value, LogRows.Row common) {
    if (value != null) {
      name(b, name);
      b.number(value.intValue());
    } else if (common != null) {
      name(b, name);
      b.ascii("null");
    }
  }

  private static void bool(JsonBytes b, String name, Boolean value, LogRows.Row common) {
    if (value != null) {
      name(b, name);
      b.ascii(value ? "true" : "false");
    } else if (common != null) {
      name(b, name);
      b.ascii("null");
    }
  }

  /** A value that is JSON text already (encoded by {@link LogRows}); re-encoded without NUL when it has one. */
  private static void json(JsonBytes b, String name, String value, LogRows.Row common) {
    if (value != null) {
      name(b, name);
      b.raw(value.contains("\\u0000") ? withoutNul(value) : value);
    } else if (common != null) {
      name(b, name);
      b.ascii("null");
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
}
