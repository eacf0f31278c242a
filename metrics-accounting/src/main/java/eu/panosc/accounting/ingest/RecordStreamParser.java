package eu.panosc.accounting.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch's bytes straight into {@link UsageRecord}s with Jackson's token stream: no {@code JsonObject},
 * map or list per record. The parser comes from Vert.x's own factory ({@link JacksonCodec#createParser(Buffer)}),
 * so the same bytes are JSON or not, and the same limits (number and string lengths, nesting depth) apply, as
 * with {@code Json.decodeValue}. Each record's members go through the same {@link RecordReader} checks as a decoded
 * {@code JsonObject} (a member given twice counts with its last value, as in a {@code JsonObject}); the results agree
 * with decoding and then checking, record by record and error by error ({@code RecordStreamParserTest}).
 *
 * <p>The caller has checked the bytes to be strict UTF-8 ({@link Utf8}).
 */
final class RecordStreamParser {
  /** The body as a whole cannot be read as a batch; the message is the problem's detail. */
  static final class MalformedBodyException extends RuntimeException {
    MalformedBodyException(String message) {
      super(message, null, false, false);
    }
  }

  static final String NOT_JSON = "The request body is not valid JSON.";
  static final String NOT_ARRAY = "The request body must be a JSON array of records.";

  /** A value that is neither a string, a number nor a boolean (a nested array or object). */
  private static final Object NESTED = new Object() {
    @Override
    public String toString() {
      return "(nested value)";
    }
  };

  private static final String[] NAMES = {"source", "recordId", "facility", "installation", "cluster", "session",
      "user", "proposal", "community", "metric", "start", "end", "value", "cumulative"};

  private final RecordReader reader;

  RecordStreamParser(Duration maxDuration) {
    this.reader = new RecordReader(maxDuration);
  }

  /**
   * A JSON array body: its records (at most {@code maxRecords} read; the rest only counted, as JSON), or a
   * {@link MalformedBodyException} when the body is not JSON or not an array.
   */
  ParsedBatch array(Buffer body, int maxRecords) {
    List<UsageRecord> records = new ArrayList<>(Math.min(maxRecords, 1024));
    List<RecordError> errors = new ArrayList<>();
    int count = 0;
    try (JsonParser p = JacksonCodec.createParser(body)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new MalformedBodyException(NOT_JSON);
      }
      if (t != JsonToken.START_ARRAY) {
        skipValue(p);
        throw new MalformedBodyException(p.nextToken() == null ? NOT_ARRAY : NOT_JSON);
      }
      Members members = new Members();
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new MalformedBodyException(NOT_JSON);
        }
        if (count >= maxRecords) {
          skipValue(p);
        } else if (t == JsonToken.START_OBJECT) {
          members.read(p);
          records.add(reader.read(count, members, errors));
        } else {
          skipValue(p);
          errors.add(new RecordError(count, "", "must be a JSON object"));
          records.add(null);
        }
        count++;
      }
      if (p.nextToken() != null) {
        throw new MalformedBodyException(NOT_JSON);
      }
    } catch (IOException | DecodeException e) {
      throw new MalformedBodyException(NOT_JSON);
    }
    return new ParsedBatch(count, records, errors);
  }

  /**
   * Adds one NDJSON line (not blank) as record {@code index} to {@code records}/{@code errors}: its record, or null
   * with its errors; a line that is not one JSON value gets the single error {@code line N is not valid JSON}.
   */
  void line(Buffer line, long lineNumber, int index, List<UsageRecord> records, List<RecordError> errors) {
    List<RecordError> own = new ArrayList<>(0);
    UsageRecord record = null;
    try (JsonParser p = JacksonCodec.createParser(line)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_OBJECT) {
        Members members = new Members();
        members.read(p);
        record = reader.read(index, members, own);
      } else {
        if (t == null) {
          throw new MalformedBodyException(NOT_JSON);
        }
        skipValue(p);
        own.add(new RecordError(index, "", "must be a JSON object"));
      }
      if (p.nextToken() != null) {
        throw new MalformedBodyException(NOT_JSON);
      }
    } catch (IOException | DecodeException | MalformedBodyException e) {
      // the line is not one JSON value: that is its only error (as when decoding it failed)
      errors.add(new RecordError(index, "", "line " + lineNumber + " is not valid JSON"));
      records.add(null);
      return;
    }
    errors.addAll(own);
    records.add(record);
  }

  /**
   * Moves past the value whose first token is current, reading it as {@code Json.decodeValue} would: strings and
   * numbers are materialised, so the factory's length limits refuse the same bytes.
   */
  private static void skipValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      scalar(p, t);
      return;
    }
    int depth = 1;
    while (depth > 0) {
      t = p.nextToken();
      if (t == null) {
        throw new MalformedBodyException(NOT_JSON);
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case FIELD_NAME -> p.currentName();
        default -> scalar(p, t);
      }
    }
  }

  /** A scalar token's value as {@code Json.decodeValue} gives it (null for JSON null). */
  private static Object scalar(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new MalformedBodyException(NOT_JSON);
    };
  }

  /** The members of one record object, reused from record to record. */
  private static final class Members implements RecordReader.Fields {
    final Object[] values = new Object[NAMES.length];
    /** Unknown member names, in the order of their first appearance (rare: such a record is refused). */
    java.util.Set<String> unknown = java.util.Set.of();

    /** Reads the object whose START_OBJECT is the current token, up to and including its END_OBJECT. */
    void read(JsonParser p) throws IOException {
      java.util.Arrays.fill(values, null);
      if (!unknown.isEmpty()) {
        unknown = java.util.Set.of();
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int slot = slot(name);
        t = p.nextToken();
        if (t == null) {
          throw new MalformedBodyException(NOT_JSON);
        }
        Object value;
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          skipValue(p);
          value = NESTED;
        } else {
          value = scalar(p, t);
        }
        if (slot >= 0) {
          values[slot] = value; // a member given twice: the last one counts, as in a JsonObject
        } else {
          if (unknown.isEmpty()) {
            unknown = new java.util.LinkedHashSet<>();
          }
          unknown.add(name);
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new MalformedBodyException(NOT_JSON);
      }
    }

    @Override
    public Object get(String name) {
      int slot = slot(name);
      return slot < 0 ? null : values[slot];
    }

    @Override
    public Iterable<String> names() {
      return unknown;
    }

    private static int slot(String name) {
      return switch (name) {
        case "source" -> 0;
        case "recordId" -> 1;
        case "facility" -> 2;
        case "installation" -> 3;
        case "cluster" -> 4;
        case "session" -> 5;
        case "user" -> 6;
        case "proposal" -> 7;
        case "community" -> 8;
        case "metric" -> 9;
        case "start" -> 10;
        case "end" -> 11;
        case "value" -> 12;
        case "cumulative" -> 13;
        default -> -1;
      };
    }
  }

  /** The records of a batch as read: {@code records} has one entry per record read (null when refused). */
  record ParsedBatch(int count, List<UsageRecord> records, List<RecordError> errors) {}
}
