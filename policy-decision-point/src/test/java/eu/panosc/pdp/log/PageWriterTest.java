package eu.panosc.pdp.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
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
    JsonArray body = new JsonArray(page.getString(5));
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
    JsonObject search = new JsonArray(page.getString(5)).getJsonObject(30);
    assertThat(search.getBoolean("simulated")).isTrue();
    assertThat(search.getJsonObject("result")).isEqualTo(new JsonObject().put("count", 0).put("more", false));
    assertThat(search.fieldNames()).containsExactlyInAnyOrder("id", "decided_at", "kind", "request", "result",
        "simulated");
  }

  @Test
  void timeWhenAnyInstantThenRfc3339WithMicrosecondsInUtc() {
    for (String t : List.of("0001-01-01T00:00:00Z", "2026-12-07T05:00:00.123456Z", "9999-12-31T23:59:59.999999Z",
        "2024-02-29T12:34:56.000001Z", "1970-01-01T00:00:00.100000Z")) {
      StringBuilder b = new StringBuilder();
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
}
