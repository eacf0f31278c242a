package eu.panosc.pdp.authzen;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.pdp.engine.Decision;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The answers written without a JSON tree are the documents the tree gave, for every string a reason may hold. */
class AnswerJsonTest {
  static final List<String> TEXTS = List.of("", "plain", "quote \" inside", "back\\slash", "new\nline\r\ttab",
      "nul \u0000 bell \u0007 esc \u001b us \u001f", "ünïcödé ✓ 日本", "emoji 🧪", "</script>", "\u2028\u2029",
      "{\"json\":1}", "x".repeat(2000));

  /** The document as AuthZEN's answer is specified (the previous JSON-tree writer's output). */
  static JsonObject expected(Decision d, String id) {
    JsonObject admin = new JsonObject();
    if (d.policy() != null) {
      admin.put("policy", d.policy());
    }
    if (d.rule() != null) {
      admin.put("rule", d.rule());
    }
    admin.put("relation", d.relation());
    JsonObject context = new JsonObject().put("id", id).put("reason_admin", admin)
        .put("reason_user", new JsonObject().put("en", d.reasonUser()));
    if (d.failed()) {
      context.put("error", new JsonObject().put("status", d.errorStatus()).put("message", d.errorMessage()));
    }
    return new JsonObject().put("decision", d.permit()).put("context", context);
  }

  static List<Decision> decisions() {
    List<Decision> out = new ArrayList<>();
    for (String t : TEXTS) {
      out.add(new Decision(true, t, t, t, t, 0, null));
      out.add(new Decision(false, null, null, "none", t, 0, null));
      out.add(new Decision(false, t, null, "error", t, 503, t));
    }
    out.add(new Decision(false, null, null, null, null, 500, null));
    return out;
  }

  @Test
  void decisionWhenAnyReasonTextThenSameDocumentAsTheJsonTree() {
    for (Decision d : decisions()) {
      String id = "0193a1b2-c3d4-7e5f-8a9b-" + Integer.toHexString(d.hashCode());
      String written = AnswerJson.decision(d, id).toString(StandardCharsets.UTF_8);
      assertThat(new JsonObject(written)).as(written).isEqualTo(expected(d, id));
    }
  }

  @Test
  void decisionWhenControlCharacterThenEscapedAsUnicodeNeverRaw() {
    String written = AnswerJson.decision(new Decision(true, "p", "r", "member", "a\u0000b\u001fc", 0, null), "id")
        .toString(StandardCharsets.UTF_8);
    assertThat(written).contains("a\\u0000b\\u001fc");
    assertThat(written.chars().noneMatch(c -> c < 0x20)).isTrue();
    assertThat(written).isEqualTo("{\"decision\":true,\"context\":{\"id\":\"id\",\"reason_admin\":{\"policy\":\"p\","
        + "\"rule\":\"r\",\"relation\":\"member\"},\"reason_user\":{\"en\":\"a\\u0000b\\u001fc\"}}}");
  }

  @Test
  void evaluationsWhenSeveralOrNoneThenArrayInOrder() {
    List<AuthzenDecisions.Answer> answers = new ArrayList<>();
    JsonArray expected = new JsonArray();
    int i = 0;
    for (Decision d : decisions()) {
      answers.add(new AuthzenDecisions.Answer(d, "id-" + i));
      expected.add(expected(d, "id-" + i));
      i++;
    }
    assertThat(new JsonObject(AnswerJson.evaluations(answers).toString(StandardCharsets.UTF_8)))
        .isEqualTo(new JsonObject().put("evaluations", expected));
    assertThat(new JsonObject(AnswerJson.evaluations(List.of()).toString(StandardCharsets.UTF_8)))
        .isEqualTo(new JsonObject().put("evaluations", new JsonArray()));
  }
}
