package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A batch as the parameters of one page INSERT: span, distinct keys, and a body that is valid JSON for every text. */
class PageWriterTest {
  static final OffsetDateTime AT = Instant.parse("2026-12-07T05:00:00.123456Z").atOffset(ZoneOffset.UTC);

  @Test
  void pageWhenTextsHoldJsonSpecialAndControlCharactersThenBodyParsesBackToThem() {
    List<String> texts = new ArrayList<>(PgDecisionLogIT.HOSTILE);
    for (char c = 1; c < 0x20; c++) {
      texts.add("ctl" + c + "end");
    }
    texts.add("\u2028\u2029 \uD83E\uDDEA \"\\/");
    List<LogRows.Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(PgDecisionLogIT.row(DecisionIds.next(AT.toInstant()), AT.plusSeconds(i), texts.get(i), texts.get(i),
          texts.get(i), new JsonObject().put("context", new JsonObject().put("t", texts.get(i))).encode()));
    }
    Tuple page = PageWriter.page(rows);
    JsonArray body = read(page);
    assertThat(body).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      JsonObject r = body.getJsonObject(i);
      assertThat(r.getString("caller")).isEqualTo(texts.get(i));
      assertThat(r.getString("subject_id")).isEqualTo(texts.get(i));
      assertThat(r.getJsonObject("request").getJsonObject("context").getString("t")).isEqualTo(texts.get(i));
      assertThat(r.getString("id")).isEqualTo(rows.get(i).id().toString());
      assertThat(OffsetDateTime.parse(r.getString("decided_at")).toInstant()).isEqualTo(rows.get(i).at().toInstant());
      assertThat(r.getInteger("policy_version")).isEqualTo(7);
      assertThat(r.getBoolean("decision")).isFalse();
      assertThat(r.containsKey("result")).isFalse();       // nulls are left out
      assertThat(r.containsKey("simulated")).isFalse();    // false is the default
    }
    assertThat(page.getOffsetDateTime(0)).isEqualTo(AT);
    assertThat(page.getOffsetDateTime(1)).isEqualTo(AT.plusSeconds(texts.size() - 1));
    assertThat(page.getInteger(2)).isEqualTo(texts.size());
  }

  @Test
  void pageWhenSubjectsRepeatThenTheFiltersHoldEachAndNullsHaveNone() {
    List<LogRows.Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(PgDecisionLogIT.row(UUID.randomUUID(), AT.minusSeconds(i), "s" + (i % 4), "r" + (i % 6), "t", "{}"));
    }
    rows.add(new LogRows.Row(UUID.randomUUID(), AT.plusSeconds(5), "search/subject", null, null, null, null, null,
        null, null, null, "{}", null, null, null, null, null, null, null, "{\"count\":0,\"more\":false}", true));
    Tuple page = PageWriter.page(rows);
    byte[] subjects = page.getBuffer(3).getBytes();
    byte[] resources = page.getBuffer(4).getBytes();
    for (int i = 0; i < 4; i++) {
      assertThat(PageBloom.mayContain(subjects, PageBloom.hashes("s" + i))).isTrue();
    }
    for (int i = 0; i < 6; i++) {
      assertThat(PageBloom.mayContain(resources, PageBloom.hashes("r" + i))).isTrue();
    }
    assertThat(subjects).hasSize(PageBloom.MIN_BYTES);   // 4 ids: the smallest filter
    int absent = 0;
    for (int i = 0; i < 1000; i++) {
      absent += PageBloom.mayContain(subjects, PageBloom.hashes("other-" + i)) ? 0 : 1;
    }
    assertThat(absent).isGreaterThan(900);
    assertThat(page.getOffsetDateTime(0)).isEqualTo(AT.minusSeconds(29));
    assertThat(page.getOffsetDateTime(1)).isEqualTo(AT.plusSeconds(5));
    JsonObject search = read(page).getJsonObject(30);
    assertThat(search.getBoolean("simulated")).isTrue();
    assertThat(search.getJsonObject("result")).isEqualTo(new JsonObject().put("count", 0).put("more", false));
    assertThat(search.fieldNames()).containsExactlyInAnyOrder("id", "decided_at", "kind", "request", "result",
        "simulated");
  }

  /**
   * The page's rows as the {@code decision_log} view reads them: each row's members over the page's common values
   * ({@code common || row}), a null member the same as an absent one.
   */
  static JsonArray read(Tuple page) {
    JsonObject common = new JsonObject(page.getString(5));
    JsonArray body = new JsonArray(page.getBuffer(6).toString(StandardCharsets.UTF_8));
    JsonArray out = new JsonArray();
    for (int i = 0; i < body.size(); i++) {
      JsonObject row = common.copy().mergeIn(body.getJsonObject(i));
      row.fieldNames().removeIf(k -> row.getValue(k) == null);
      out.add(row);
    }
    return out;
  }

  /** A row with every member of the common values given, as the page would hold it without common values. */
  static JsonObject alone(LogRows.Row r) {
    JsonBytes b = new JsonBytes(64);
    PageWriter.row(b, r, r.at(), null);
    return new JsonObject(b.toString());
  }

  @Test
  void pageWhenRowsShareValuesThenTheyAreStoredOnceAndEveryRowReadsBackWhole() {
    List<LogRows.Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean odd = i % 7 == 3;   // some rows differ from the first in every common member, nulls included
      rows.add(new LogRows.Row(DecisionIds.next(AT.toInstant()), AT.plusNanos(i * 1000L),
          odd ? "evaluations" : "evaluation", odd ? i : null, odd ? null : "resource-broker", "req-" + i,
          odd ? null : "user", odd ? null : "hmac:" + i, "dataset", "10.1/" + i, odd ? "write" : "read",
          odd ? "{\"context\":{\"n\":1}}" : "{}", odd ? null : i % 4 != 0, odd ? null : "panosc-data",
          odd ? null : 1, i % 4 == 0 ? null : "proposal-member", i % 4 == 0 ? null : "member",
          odd ? 503 : null, odd ? "unavailable" : null, null, odd));
    }
    Tuple page = PageWriter.page(rows);
    JsonArray read = read(page);
    assertThat(read).hasSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(read.getJsonObject(i)).as("row %d", i).isEqualTo(alone(rows.get(i)));
    }
    JsonObject common = new JsonObject(page.getString(5));
    assertThat(common).isEqualTo(new JsonObject().put("kind", "evaluation").put("caller", "resource-broker")
        .put("subject_type", "user").put("resource_type", "dataset").put("action", "read")
        .put("request", new JsonObject()).put("decision", false).put("policy", "panosc-data").put("policy_version", 1));
    JsonObject second = new JsonArray(page.getBuffer(6).toString(StandardCharsets.UTF_8)).getJsonObject(1);
    assertThat(second.fieldNames()).containsExactlyInAnyOrder("id", "decided_at", "request_id", "subject_id",
        "resource_id", "decision", "rule", "relation");
    JsonObject odd = new JsonArray(page.getBuffer(6).toString(StandardCharsets.UTF_8)).getJsonObject(3);
    assertThat(odd.containsKey("caller")).isTrue();
    assertThat(odd.getValue("caller")).isNull();          // null written: it overrides the common value
    int alone = 0;
    for (LogRows.Row r : rows) {
      alone += alone(r).encode().length() + 1;
    }
    assertThat(page.getBuffer(6).length()).isLessThan(alone * 3 / 4);
  }

  @Test
  void timeWhenAnyInstantThenRfc3339WithMicrosecondsInUtc() {
    for (String t : List.of("0001-01-01T00:00:00Z", "2026-12-07T05:00:00.123456Z", "9999-12-31T23:59:59.999999Z",
        "2024-02-29T12:34:56.000001Z", "1970-01-01T00:00:00.100000Z")) {
      JsonBytes b = new JsonBytes(8);
      PageWriter.time(b, Instant.parse(t).atOffset(ZoneOffset.ofHours(2)));
      assertThat(Instant.parse(b.toString())).isEqualTo(Instant.parse(t));
      assertThat(b.toString()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
    }
  }

  @Test
  void withoutNulWhenJsonHoldsNulInKeysValuesAndArraysThenEachBecomesReplacement() {
    String json = new JsonObject().put("a\0", new JsonArray().add("x\0y").add(3).add(new JsonObject().put("k", "\0")))
        .encode();
    JsonObject clean = new JsonObject(PageWriter.withoutNul(json));
    assertThat(clean.encode()).doesNotContain("\\u0000");
    assertThat(clean.getJsonArray("a\uFFFD").getString(0)).isEqualTo("x\uFFFDy");
    assertThat(clean.getJsonArray("a\uFFFD").getInteger(1)).isEqualTo(3);
    assertThat(clean.getJsonArray("a\uFFFD").getJsonObject(2).getString("k")).isEqualTo("\uFFFD");
  }

  @Test
  void pageWhenRowsCarryRememberedHashesThenTheSubjectFilterIsTheComputedOne() {
    LogRows masked = new LogRows(LogRowsTest.settings("hash", null), LogRowsTest.KEY);
    List<LogRows.Row> remembered = List.of(masked.row(LogRowsTest.entry()), masked.row(LogRowsTest.entry()));
    assertThat(remembered.get(0).subjectFilter()).isNotNull();
    List<LogRows.Row> computed = remembered.stream().map(r -> new LogRows.Row(r.id(), r.at(), r.kind(), r.item(),
        r.caller(), r.requestId(), r.subjectType(), r.subjectId(), r.resourceType(), r.resourceId(), r.action(),
        r.request(), r.decision(), r.policy(), r.policyVersion(), r.rule(), r.relation(), r.errorStatus(),
        r.errorMessage(), r.result(), r.simulated())).toList();
    assertThat(computed.get(0).subjectFilter()).isNull();
    Tuple a = PageWriter.page(remembered);
    Tuple b = PageWriter.page(computed);
    assertThat(a.getBuffer(3).getBytes()).isEqualTo(b.getBuffer(3).getBytes());
    assertThat(PageBloom.mayContain(a.getBuffer(3).getBytes(), PageBloom.hashes(remembered.get(0).subjectId()))).isTrue();
    assertThat(a.getBuffer(6).getBytes()).isEqualTo(b.getBuffer(6).getBytes());   // the same body
  }
}
