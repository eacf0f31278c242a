package eu.panosc.pdp.authzen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.pdp.engine.AccessRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuthzenRequestParserTest {
  final AuthzenRequestParser parser = new AuthzenRequestParser();

  static JsonObject ok() {
    return new JsonObject().put("subject", new JsonObject().put("type", "user").put("id", "alice"))
        .put("action", new JsonObject().put("name", "read"))
        .put("resource", new JsonObject().put("type", "dataset").put("id", "10.5555/A"));
  }

  static String nested(int depth) {
    return "{\"subject\":{\"type\":\"user\",\"id\":\"a\",\"properties\":{\"x\":" + "[".repeat(depth)
        + "]".repeat(depth) + "}},\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"dataset\",\"id\":\"p\"}}";
  }

  static Stream<Arguments> refused() {
    String big = "x".repeat(513);
    return Stream.of(
        Arguments.of(ok().put("subject", new JsonObject().put("type", "user").put("id", "a\u0000b")).encode(),
            "subject.id"),
        Arguments.of(ok().put("subject", new JsonObject().put("type", "us\u0007er").put("id", "a")).encode(),
            "subject.type"),
        Arguments.of(ok().put("subject", new JsonObject().put("type", "user").put("id", big)).encode(), "subject.id"),
        Arguments.of(ok().put("resource", new JsonObject().put("type", "dataset").put("id", "p\u001b[31m")).encode(),
            "resource.id"),
        Arguments.of(ok().put("resource", new JsonObject().put("type", "dataset").put("id", big)).encode(),
            "resource.id"),
        Arguments.of(ok().put("action", new JsonObject().put("name", "re\u0085ad")).encode(), "action.name"),
        Arguments.of(ok().put("action", new JsonObject().put("name", big)).encode(), "action.name"),
        Arguments.of(ok().put("subject", new JsonObject().put("type", "user").put("id", "a")
            .put("properties", new JsonObject().put("dept", "x\u0000"))).encode(), "subject.properties.dept"),
        Arguments.of(ok().put("subject", new JsonObject().put("type", "user").put("id", "a")
            .put("properties", new JsonObject().put("k\u0000", "v"))).encode(), "member name"),
        Arguments.of("{\"subject\":{\"type\":\"user\",\"id\":\"a\"},\"action\":{\"name\":\"read\"},"
            + "\"resource\":{\"type\":\"dataset\",\"id\":\"p\",\"properties\":{\"l\":[\"ok\",\"\\ud800\"]}}}",
            "resource.properties.l[1]"),
        Arguments.of(ok().put("context", new JsonObject().put("note", "y".repeat(8193))).encode(), "context.note"),
        Arguments.of(ok().put("context", new JsonObject().put("time", "+999999999-01-01T00:00:00Z")).encode(),
            "context.time"),
        Arguments.of(ok().put("context", new JsonObject().put("time", "-999999999-01-01T00:00:00Z")).encode(),
            "context.time"),
        Arguments.of(ok().put("context", new JsonObject().put("time", "0000-12-31T23:59:59Z")).encode(),
            "context.time"),
        Arguments.of(ok().put("context", new JsonObject().put("time", 999999999)).encode(), "context.time"),
        Arguments.of(ok().put("context", new JsonObject().put("time", -999999999)).encode(), "context.time"),
        Arguments.of(ok().put("context", new JsonObject().put("time", new JsonObject())).encode(), "context.time"),
        Arguments.of(nested(40), "nests deeper"),
        Arguments.of(nested(10_000), "not valid JSON"),
        Arguments.of("{\"subject\":{\"type\":\"user\",\"id\":\"a\",\"properties\":{\"n\":1e400}},"
            + "\"action\":{\"name\":\"read\"},\"resource\":{\"type\":\"dataset\",\"id\":\"p\"}}", "double precision"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("refused")
  void evaluationWhenInputRuleBrokenThen400NamingField(String body, String field) {
    assertThatThrownBy(() -> parser.evaluation(parser.body(Buffer.buffer(body))))
        .isInstanceOfSatisfying(AuthzenException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(field);
  }

  @Test
  void evaluationWhenTimeInRangeAndTabsInPropertiesThenAccepted() {
    JsonObject o = ok().put("context", new JsonObject().put("time", "9999-12-31T23:59:59Z"))
        .put("subject", new JsonObject().put("type", "user").put("id", "a")
            .put("properties", new JsonObject().put("note", "line 1\n\tline 2").put("empty", "")));
    AccessRequest r = parser.evaluation(parser.body(Buffer.buffer(o.encode())));
    assertThat(r.context().get("time")).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    assertThat(r.subject().properties()).containsEntry("note", "line 1\n\tline 2");
  }

  @Test
  void evaluationsWhenEmptyArrayThenSingleEvaluationOfTopLevel() {
    AuthzenRequestParser.Evaluations e = parser.evaluations(ok().put("evaluations", new JsonArray()));
    assertThat(e.single()).isNotNull();
    assertThat(e.single().resource().id()).isEqualTo("10.5555/A");
    assertThatThrownBy(() -> parser.evaluations(new JsonObject().put("evaluations", new JsonArray())))
        .isInstanceOf(AuthzenException.class).hasMessageContaining("subject is required");
  }

  static Stream<Arguments> limits() {
    return Stream.of(Arguments.of(-1), Arguments.of(1001), Arguments.of(Long.MAX_VALUE), Arguments.of(1e300),
        Arguments.of(1.5), Arguments.of("5"), Arguments.of(true), Arguments.of(new JsonArray()),
        Arguments.of(new JsonObject()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void searchWhenLimitOutOfRangeOrMistypedThen400(Object limit) {
    JsonObject o = ok().put("page", new JsonObject().put("limit", limit));
    assertThatThrownBy(() -> parser.search("resource", o, "c")).isInstanceOf(AuthzenException.class)
        .hasMessageContaining("page.limit must be an integer from 0 to 1000");
  }

  @Test
  void searchWhenLimitZeroOrMaxThenAccepted() {
    assertThat(parser.search("resource", ok().put("page", new JsonObject().put("limit", 0)), "c").limit()).isZero();
    assertThat(parser.search("resource", ok().put("page", new JsonObject().put("limit", 1000.0)), "c").limit())
        .isEqualTo(1000);
    assertThat(parser.search("resource", ok(), "c").limit()).isEqualTo(AuthzenRequestParser.DEFAULT_LIMIT);
  }
}
