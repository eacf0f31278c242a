package eu.panosc.accounting.ingest;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Reads one record object, field by field, with the platform's {@link Input} rule: ids 1-512 characters without
 * control characters, instants RFC 3339 in years 1-9999, the metric from the fixed list, {@code start <= end},
 * the record no longer than {@code maxDuration}, the value a finite number from 0 to {@link #MAX_VALUE}. Every
 * refusal is added to the error list naming the record's index and the field; unknown members are refused too
 * (a misspelt optional field would otherwise be lost silently).
 */
final class RecordReader {
  static final double MAX_VALUE = 1e15;
  static final Set<String> FIELDS = Set.of("source", "recordId", "facility", "installation", "cluster", "session",
      "user", "proposal", "community", "metric", "start", "end", "value", "cumulative");
  private static final String EXPECTED = String.join(", ", FIELDS.stream().sorted().toList());

  private final Duration maxDuration;

  RecordReader(Duration maxDuration) {
    this.maxDuration = maxDuration;
  }

  /**
   * A record object's members as the checks see them: {@link #get} answers a member's value (a {@code String}, a
   * {@code Number}, a {@code Boolean}, any other object for a nested array or object) or null when the member is
   * absent or JSON {@code null}; {@link #names} lists at least every member name that is not in {@link #FIELDS},
   * once each, in the order of their first appearance.
   */
  interface Fields {
    Object get(String name);

    Iterable<String> names();
  }

  /** The record at {@code index}, or null with its errors added to {@code errors}. */
  UsageRecord read(int index, Object json, List<RecordError> errors) {
    if (!(json instanceof JsonObject o)) {
      errors.add(new RecordError(index, "", "must be a JSON object"));
      return null;
    }
    return read(index, new Fields() {
      @Override
      public Object get(String name) {
        return o.getValue(name);
      }

      @Override
      public Iterable<String> names() {
        return o.fieldNames();
      }
    }, errors);
  }

  /** The record at {@code index} from its members, or null with its errors added to {@code errors}. */
  UsageRecord read(int index, Fields o, List<RecordError> errors) {
    int before = errors.size();
    for (String name : o.names()) {
      if (!FIELDS.contains(name)) {
        errors.add(new RecordError(index, safeName(name), "unknown field; expected one of " + EXPECTED));
      }
    }
    String source = id(index, o, "source", true, errors);
    String recordId = id(index, o, "recordId", true, errors);
    String facility = id(index, o, "facility", true, errors);
    String installation = id(index, o, "installation", true, errors);
    String cluster = id(index, o, "cluster", false, errors);
    String session = id(index, o, "session", false, errors);
    String user = id(index, o, "user", false, errors);
    String proposal = id(index, o, "proposal", false, errors);
    String community = id(index, o, "community", false, errors);
    Metric metric = null;
    Object m = o.get("metric");
    if (m == null) {
      errors.add(new RecordError(index, "metric", "is required"));
    } else if (!(m instanceof String s) || (metric = Metric.parse(s).orElse(null)) == null) {
      errors.add(new RecordError(index, "metric", "must be one of " + Metric.names()));
    }
    Instant start = instant(index, o, "start", errors);
    Instant end = instant(index, o, "end", errors);
    if (start != null && end != null) {
      if (end.isBefore(start)) {
        errors.add(new RecordError(index, "end", "must not be before start"));
      } else if (Duration.between(start, end).compareTo(maxDuration) > 0) {
        errors.add(new RecordError(index, "end", "must be at most " + maxDuration.toDays() + " days after start"
            + " (split longer usage into several records)"));
      }
    }
    BigDecimal value = null;
    Object v = o.get("value");
    if (v == null) {
      errors.add(new RecordError(index, "value", "is required"));
    } else if (!(v instanceof Number n)) {
      errors.add(new RecordError(index, "value", "must be a number"));
    } else {
      try {
        value = BigDecimal.valueOf(Input.range("value", n.doubleValue(), 0, MAX_VALUE));
      } catch (InvalidInputException e) {
        errors.add(new RecordError(index, "value", e.reason()));
      }
    }
    boolean cumulative = false;
    Object c = o.get("cumulative");
    if (c != null && !(c instanceof Boolean)) {
      errors.add(new RecordError(index, "cumulative", "must be true or false"));
    } else if (c != null) {
      cumulative = (Boolean) c;
    }
    if (errors.size() > before) {
      return null;
    }
    return new UsageRecord(source, recordId, facility, installation, cluster, session, user, proposal, community,
        metric, start, end, value, cumulative, false);
  }

  private static String id(int index, Fields o, String field, boolean required, List<RecordError> errors) {
    Object v = o.get(field);
    if (v == null) {
      if (required) {
        errors.add(new RecordError(index, field, "is required"));
      }
      return null;
    }
    if (!(v instanceof String s)) {
      errors.add(new RecordError(index, field, "must be a string"));
      return null;
    }
    try {
      return Input.id(field, s);
    } catch (InvalidInputException e) {
      errors.add(new RecordError(index, field, e.reason()));
      return null;
    }
  }

  private static Instant instant(int index, Fields o, String field, List<RecordError> errors) {
    Object v = o.get(field);
    if (v != null && !(v instanceof String)) {
      errors.add(new RecordError(index, field, "must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z"));
      return null;
    }
    try {
      return Input.instant(field, (String) v, true);
    } catch (InvalidInputException e) {
      errors.add(new RecordError(index, field, e.reason()));
      return null;
    }
  }

  /** An unknown member's name as it may be echoed: clean and short, or a placeholder. */
  private static String safeName(String name) {
    return Input.isClean(name, 64) ? name : "(unprintable member name)";
  }
}
