package eu.panosc.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemTest {

  @Test
  void toJsonWhenAllMembersThenRfc9457Shape() {
    Problem problem = new Problem("https://panosc.eu/problems/x", "Title", 422, "Detail", Map.of("hint", "h"));

    JsonObject json = problem.toJson("/path", "rid-1");

    assertThat(json).isEqualTo(new JsonObject().put("type", "https://panosc.eu/problems/x").put("title", "Title")
        .put("status", 422).put("detail", "Detail").put("instance", "/path").put("hint", "h")
        .put("requestId", "rid-1"));
  }

  @Test
  void toJsonWhenNullDetailInstanceAndIdThenOmitted() {
    JsonObject json = Problem.of(503, "Service Unavailable", null).toJson(null, null);

    assertThat(json.fieldNames()).containsExactlyInAnyOrder("type", "title", "status");
    assertThat(json.getString("type")).isEqualTo("about:blank");
  }

  @Test
  void toJsonWhenExtensionNamesStandardMemberThenStandardMemberKept() {
    Problem problem = Problem.of(400, "Bad Request", "d").with("status", 200).with("requestId", "forged");

    JsonObject json = problem.toJson("/p", "real");

    assertThat(json.getInteger("status")).isEqualTo(400);
    assertThat(json.getString("requestId")).isEqualTo("real");
  }

  @Test
  void withWhenCalledThenNewProblemWithExtension() {
    Problem base = Problem.of(409, "Conflict", "d");

    Problem extended = base.with("current", 3);

    assertThat(extended.extensions()).containsEntry("current", 3);
    assertThat(base.extensions()).isEmpty();
  }

  @Test
  void invalidFieldWhenCreatedThenValidationProblemWithErrors() {
    ApiException e = ApiException.invalidField("/name", "must not be blank");

    assertThat(e.problem().status()).isEqualTo(400);
    assertThat(e.problem().type()).isEqualTo(Problem.TYPE_BASE + "validation");
    assertThat(e.problem().extensions().get("errors"))
        .isEqualTo(List.of(Map.of("field", "/name", "reason", "must not be blank")));
    assertThat(e).hasMessage("Invalid request: /name: must not be blank");
  }

  @Test
  void apiExceptionWhenCreatedThenNoStackTrace() {
    assertThat(ApiException.notFound("x").getStackTrace()).isEmpty();
  }

  @Test
  void factoriesWhenUsedThenExpectedStatuses() {
    assertThat(ApiException.badRequest("x").problem().status()).isEqualTo(400);
    assertThat(ApiException.notFound("x").problem().status()).isEqualTo(404);
    assertThat(ApiException.conflict("x").problem().status()).isEqualTo(409);
    assertThat(ApiException.unavailable("x").problem().status()).isEqualTo(503);
  }

  @Test
  void forStatusWhenUnknown5xxThenInternalServerError() {
    assertThat(FailureHandler.forStatus(502, null).title()).isEqualTo("Internal Server Error");
    assertThat(FailureHandler.forStatus(418, null).title()).isEqualTo("Error");
    assertThat(FailureHandler.forStatus(413, null).detail()).isEqualTo("The request body is too large.");
  }
}
