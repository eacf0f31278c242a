package eu.panosc.accounting.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.accounting.model.Metric;
import eu.panosc.accounting.model.RecordError;
import eu.panosc.accounting.model.UsageRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming parser against the way batches were read before it (decode each body or line into Vert.x JSON values
 * with {@code Json.decodeValue}, then check each {@code JsonObject} with {@link RecordReader}): on hand-written hostile
 * bodies and on many generated ones (records with swapped types, missing, repeated and unknown members, escapes,
 * odd numbers and dates, and then byte-level damage), both must refuse the same bodies with the same message, or
 * read the same records with the same errors, record by record.
 */
class RecordStreamParserTest {
  static final Duration MAX_DURATION = Duration.ofDays(31);
  static final int MAX_RECORDS = 8;

  final RecordReader reader = new RecordReader(MAX_DURATION);
  final RecordStreamParser parser = new RecordStreamParser(MAX_DURATION);

  /** What reading a body gave: a refusal of the whole body, or the count, records (null: refused) and errors. */
  record Result(String malformed, int count, List<UsageRecord> records, List<RecordError> errors) {
    static Result malformed(String message) {
      return new Result(message, -1, List.of(), List.of());
    }
  }

  // ---- the reading as it was: decode, then check the decoded values

  Result oldArray(byte[] body) {
    Object json;
    try {
      json = Json.decodeValue(Buffer.buffer(body));
    } catch (DecodeException e) {
      return Result.malformed(RecordStreamParser.NOT_JSON);
    }
    if (!(json instanceof JsonArray array)) {
      return Result.malformed(RecordStreamParser.NOT_ARRAY);
    }
    List<Object> values = new ArrayList<>();
    array.forEach(values::add);
    if (values.size() > MAX_RECORDS) {
      return new Result(null, values.size(), List.of(), List.of());
    }
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> records = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      records.add(reader.read(i, values.get(i), errors));
    }
    return new Result(null, values.size(), records, errors);
  }

  Result oldNdjson(byte[] body) {
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> records = new ArrayList<>();
    long number = 0;
    for (Buffer line : lines(body)) {
      number++;
      if (blank(line)) {
        continue;
      }
      int index = records.size();
      Object json;
      try {
        json = Json.decodeValue(line);
      } catch (DecodeException e) {
        errors.add(new RecordError(index, "", "line " + number + " is not valid JSON"));
        records.add(null);
        continue;
      }
      records.add(reader.read(index, json, errors));
    }
    return new Result(null, records.size(), records, errors);
  }

  // ---- the streaming parser, as the endpoint calls it

  Result newArray(byte[] body) {
    try {
      RecordStreamParser.ParsedBatch b = parser.array(Buffer.buffer(body), MAX_RECORDS);
      return b.count() > MAX_RECORDS ? new Result(null, b.count(), List.of(), List.of())
          : new Result(null, b.count(), b.records(), b.errors());
    } catch (RecordStreamParser.MalformedBodyException e) {
      return Result.malformed(e.getMessage());
    }
  }

  Result newNdjson(byte[] body) {
    List<RecordError> errors = new ArrayList<>();
    List<UsageRecord> records = new ArrayList<>();
    long number = 0;
    for (Buffer line : lines(body)) {
      number++;
      if (!blank(line)) {
        parser.line(line, number, records.size(), records, errors);
      }
    }
    return new Result(null, records.size(), records, errors);
  }

  static List<Buffer> lines(byte[] body) {
    List<Buffer> lines = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        if (i > from || i < body.length) {
          lines.add(Buffer.buffer(java.util.Arrays.copyOfRange(body, from, i)));
        }
        from = i + 1;
      }
    }
    return lines;
  }

  static boolean blank(Buffer line) {
    for (int i = 0; i < line.length(); i++) {
      byte b = line.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  void assertSame(String body) {
    assertSame(body.getBytes(StandardCharsets.UTF_8));
  }

  void assertSame(byte[] body) {
    String shown = new String(body, StandardCharsets.UTF_8);
    shown = shown.length() > 300 ? shown.substring(0, 300) + "…" : shown;
    assertThat(newArray(body)).as("array %s", shown).isEqualTo(oldArray(body));
    assertThat(newNdjson(body)).as("ndjson %s", shown).isEqualTo(oldNdjson(body));
  }

  static final String GOOD = "{\"source\":\"s\",\"recordId\":\"r1\",\"facility\":\"f\",\"installation\":\"i\","
      + "\"metric\":\"cpu_core_hours\",\"start\":\"2026-11-05T10:00:00Z\",\"end\":\"2026-11-05T12:00:00.5+01:00\","
      + "\"value\":16.25,\"user\":\"u\",\"cumulative\":true}";

  @Test
  void goodRecordWhenReadBothWaysThenTheSameRecord() {
    RecordStreamParser.ParsedBatch b = parser.array(Buffer.buffer("[" + GOOD + "]"), 10);
    assertThat(b.errors()).isEmpty();
    assertThat(b.records()).containsExactly(new UsageRecord("s", "r1", "f", "i", null, null, "u", null, null,
        Metric.CPU_CORE_HOURS, Instant.parse("2026-11-05T10:00:00Z"), Instant.parse("2026-11-05T11:00:00.5Z"),
        new BigDecimal("16.25"), true, false));
    assertSame("[" + GOOD + "," + GOOD + "]");
    assertSame(GOOD + "\n" + GOOD + "\r\n");
  }

  @Test
  void hostileBodiesWhenReadBothWaysThenTheSameAnswer() {
    String deep = "[".repeat(1200) + "]".repeat(1200);
    String bigNumber = "[" + GOOD.replace("16.25", "1" + "0".repeat(1100)) + "]";
    String longString = "[" + GOOD.replace("\"u\"", "\"" + "x".repeat(600) + "\"") + "]";
    String[] bodies = {"", " ", "\t\r\n", "null", "1", "\"x\"", "{}", "{\"a\":1}", "[]", "[] ", "[] x", "[]]", "[",
        "[,]", "[1,]", "[1]", "[null]", "[[]]", "[{}]", "[{},{}]", "[{}] {}", "{} {}", "[{\"a\"}]", "[{\"a\":}]",
        "[{\"a\":1,}]", "[{'source':'s'}]", "[/* c */{}]", "[{} // c\n]", "[NaN]", "[Infinity]", "[-]", "[01]",
        "[1.]", "[.5]", "[1e]", "\uFEFF[]", "\uFEFF[" + GOOD + "]", deep, "[" + deep + "]", bigNumber, longString,
        "[" + GOOD + "]", "[" + GOOD.replace("\"value\":16.25", "\"value\":1e400") + "]",
        "[" + GOOD.replace("\"value\":16.25", "\"value\":-0.0") + "]",
        "[" + GOOD.replace("\"value\":16.25", "\"value\":123456789012345678901234567890") + "]",
        "[" + GOOD.replace("\"value\":16.25", "\"value\":9007199254740993") + "]",
        "[" + GOOD.replace("\"value\":16.25", "\"value\":1E-400") + "]",
        "[" + GOOD.replace("\"value\":16.25", "\"value\":{\"x\":[1,2,{\"y\":null}]}") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"user\":\"a\\u0000b\"") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"user\":\"\\ud800\"") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"user\":\"\\ud83d\\ude00\"") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"user\":\"\\u0085\"") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"user\":null,\"user\":\"v\",\"x\":1,\"x\":2,\"\\u0000\":0") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"user\":\"v\",\"user\":null") + "]",
        "[" + GOOD.replace("\"user\":\"u\"", "\"" + "n".repeat(100) + "\":true") + "]",
        "[" + GOOD.replace("\"cumulative\":true", "\"cumulative\":\"true\"") + "]",
        "[" + GOOD.replace("\"start\":\"2026-11-05T10:00:00Z\"", "\"start\":\"2026-11-05T10:00:00\"") + "]",
        "[" + GOOD.replace("\"start\":\"2026-11-05T10:00:00Z\"", "\"start\":\"0000-12-31T23:00:00-01:00\"") + "]",
        "[" + GOOD.replace("\"start\":\"2026-11-05T10:00:00Z\"", "\"start\":\"2026-09-01T00:00:00Z\"") + "]",
        "[" + GOOD.replace("\"metric\":\"cpu_core_hours\"", "\"metric\":[\"cpu_core_hours\"]") + "]",
        "[" + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + ","
            + GOOD + "]",
        "[" + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + ","
            + "{]"};
    for (String body : bodies) {
      assertSame(body);
      assertSame(body.replace("},{", "}\n{").replace("[{", "{").replace("}]", "}"));
    }
  }

  /** Members, values and separators that make records good, refused or not JSON, recombined at random. */
  @Test
  void generatedBodiesWhenReadBothWaysThenTheSameAnswer() {
    SplittableRandom random = new SplittableRandom(20261207L);
    int refusedWhole = 0;
    int withErrors = 0;
    int clean = 0;
    for (int n = 0; n < 6000; n++) {
      int records = random.nextInt(MAX_RECORDS + 2);
      StringBuilder array = new StringBuilder("[");
      StringBuilder ndjson = new StringBuilder();
      for (int r = 0; r < records; r++) {
        String record = record(random);
        array.append(r == 0 ? "" : random.nextInt(20) == 0 ? " ,\n " : ",").append(record);
        ndjson.append(record).append(random.nextInt(10) == 0 ? "\r\n\n" : "\n");
      }
      array.append(random.nextInt(30) == 0 ? "" : "]");
      for (String text : new String[] {array.toString(), ndjson.toString()}) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0) {
          body = damage(random, body);
        }
        if (Utf8.firstInvalid(Buffer.buffer(body), 0, body.length) >= 0) {
          continue; // refused before any parsing, by both
        }
        assertSame(body);
        Result result = newArray(body);
        if (result.malformed() != null) {
          refusedWhole++;
        } else if (!result.errors().isEmpty()) {
          withErrors++;
        } else {
          clean++;
        }
      }
    }
    // the generator reaches every outcome, each often
    assertThat(refusedWhole).isGreaterThan(500);
    assertThat(withErrors).isGreaterThan(500);
    assertThat(clean).isGreaterThan(200);
  }

  static final String[] FIELDS = {"source", "recordId", "facility", "installation", "cluster", "session", "user",
      "proposal", "community", "metric", "start", "end", "value", "cumulative"};

  static String record(SplittableRandom random) {
    StringBuilder o = new StringBuilder("{");
    List<String> members = new ArrayList<>();
    for (String field : FIELDS) {
      boolean required = field.equals("source") || field.equals("recordId") || field.equals("facility")
          || field.equals("installation") || field.equals("metric") || field.equals("start") || field.equals("end")
          || field.equals("value");
      if (!required && random.nextInt(3) == 0 || random.nextInt(40) == 0) {
        continue; // absent
      }
      String value = random.nextInt(12) == 0 ? wrongValue(random) : goodValue(random, field);
      members.add(quote(field) + ":" + value);
      if (random.nextInt(40) == 0) {
        members.add(quote(field) + ":" + (random.nextBoolean() ? "null" : goodValue(random, field))); // repeated
      }
    }
    if (random.nextInt(25) == 0) {
      members.add(quote(random.nextBoolean() ? "usr" : "x\\n") + ":" + wrongValue(random));
    }
    for (int i = members.size() - 1; i > 0; i--) { // any order
      int j = random.nextInt(i + 1);
      String t = members.get(i);
      members.set(i, members.get(j));
      members.set(j, t);
    }
    o.append(String.join(random.nextInt(10) == 0 ? " , " : ",", members)).append('}');
    return random.nextInt(60) == 0 ? wrongValue(random) : o.toString();
  }

  static String goodValue(SplittableRandom random, String field) {
    return switch (field) {
      case "metric" -> quote(Metric.values()[random.nextInt(Metric.values().length)].wire());
      case "start" -> quote(instant(random, "2026-11-05T1" + random.nextInt(10)));
      case "end" -> quote(instant(random, "2026-11-0" + (5 + random.nextInt(2)) + "T1" + random.nextInt(10)));
      case "value" -> switch (random.nextInt(8)) {
        case 0 -> "0";
        case 1 -> String.valueOf(random.nextInt(1000));
        case 2 -> random.nextInt(1000) + "." + random.nextInt(1000);
        case 3 -> random.nextInt(10) + "e" + random.nextInt(16);
        case 4 -> "1E" + (14 + random.nextInt(3));
        case 5 -> "-" + random.nextInt(3);
        case 6 -> "0." + "0".repeat(random.nextInt(20)) + "1";
        default -> String.valueOf(random.nextDouble() * 1e6);
      };
      case "cumulative" -> random.nextBoolean() ? "true" : "false";
      default -> quote(text(random));
    };
  }

  static String instant(SplittableRandom random, String hour) {
    String[] tails = {":00:00Z", ":30:00.123Z", ":59:59.999999999Z", ":00:00+02:00", ":00:00-00:30", ":00:00z",
        ":00:00", ":61:00Z", ":00:00.Z", ":00:00+24:00"};
    return hour + tails[random.nextInt(random.nextInt(4) == 0 ? tails.length : 5)];
  }

  static String text(SplittableRandom random) {
    String[] texts = {"a", "esrf", "job-42", "3f2a", "x".repeat(512), "x".repeat(513), "", "a\\u0000b",
        "\\u00e9t\\u00e9", "\\ud800", "\\ud83d\\ude00", "caf\u00e9", "\u4e2d\u6587", "tab\\there", "q\\\"q", "\\u007f",
        "=HYPERLINK()", "sl\\/ash"};
    return texts[random.nextInt(random.nextInt(3) == 0 ? texts.length : 4)];
  }

  static String wrongValue(SplittableRandom random) {
    String[] values = {"null", "true", "false", "0", "-1", "1.5", "\"\"", "\"x\"", "[]", "[1,\"a\",null]", "{}",
        "{\"a\":{\"b\":[]}}", "1e999", "-1e999", "123456789012345678901234567890"};
    return values[random.nextInt(values.length)];
  }

  static String quote(String s) {
    return "\"" + s + "\"";
  }

  /** Byte-level damage: a byte removed, replaced, doubled, or the body cut short. */
  static byte[] damage(SplittableRandom random, byte[] body) {
    if (body.length == 0) {
      return body;
    }
    int at = random.nextInt(body.length);
    byte[] junk = "{}[],:\"\\ 0e-.tn\n".getBytes(StandardCharsets.US_ASCII);
    return switch (random.nextInt(4)) {
      case 0 -> concat(java.util.Arrays.copyOfRange(body, 0, at), java.util.Arrays.copyOfRange(body, at + 1,
          body.length));
      case 1 -> {
        byte[] b = body.clone();
        b[at] = junk[random.nextInt(junk.length)];
        yield b;
      }
      case 2 -> concat(java.util.Arrays.copyOfRange(body, 0, at + 1), java.util.Arrays.copyOfRange(body, at,
          body.length));
      default -> java.util.Arrays.copyOfRange(body, 0, at);
    };
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
