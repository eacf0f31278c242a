package eu.panosc.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A resource server's {@code routeRules} (issue 15): stored canonical, every bad rule a 400 naming the field. */
class RouteRulesValidationTest {
  private final MemberValidator validator = new MemberValidator(false, xml -> {
    throw new AssertionError("no SAML here");
  });

  private static JsonObject server(String rules) {
    return new JsonObject().put("audience", "https://scicat.esrf.example").put("facility", "esrf")
        .put("routeRules", new JsonArray(rules));
  }

  @Test
  void storesRulesInOrderAndCanonical() {
    MemberDraft d = validator.validate(MemberKind.RESOURCE_SERVER, server("""
        [{"methods":["GET","HEAD"],"path":"/api/v3/datasets/{pid}","action":"read",
          "resource":{"type":"dataset","id":"{pid}"}},
         {"path":"/api/v3/health","public":true},
         {"methods":["POST"],"path":"/api/v3/datasets","action":"ingest","resource":{"type":"facility","id":"esrf"}}]
        """));
    JsonArray rules = d.document().getJsonArray("routeRules");
    assertThat(rules).hasSize(3);
    assertThat(rules.getJsonObject(0)).isEqualTo(new JsonObject("""
        {"methods":["GET","HEAD"],"path":"/api/v3/datasets/{pid}","action":"read",
         "resource":{"type":"dataset","id":"{pid}"},"public":false}"""));
    assertThat(rules.getJsonObject(1)).isEqualTo(new JsonObject(
        "{\"methods\":[],\"path\":\"/api/v3/health\",\"public\":true}"));
    assertThat(rules.getJsonObject(2).getJsonObject("resource").getString("id")).isEqualTo("esrf");
  }

  @Test
  void withoutRulesTheDocumentHasNone() {
    MemberDraft d = validator.validate(MemberKind.RESOURCE_SERVER,
        new JsonObject().put("audience", "https://rs.example").put("facility", "esrf"));
    assertThat(d.document().containsKey("routeRules")).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"routeRules\":{}}                                                    | /routeRules            | must be an array",
      "{\"routeRules\":[1]}                                                   | /routeRules/0          | must be an object",
      "{\"routeRules\":[{\"path\":\"/a\",\"public\":true,\"x\":1}]}           | /routeRules/0/x        | ",
      "{\"routeRules\":[{\"public\":true}]}                                   | /routeRules/0/path     | is required",
      "{\"routeRules\":[{\"path\":\"/a/{p}\",\"action\":\"read\",\"resource\":{\"type\":\"dataset\",\"id\":\"{q}\"}}]} | /routeRules/0/resource/id | not a variable",
      "{\"routeRules\":[{\"path\":\"/a\",\"action\":\"read\",\"resource\":{\"type\":\"dataset\",\"id\":\"x\",\"y\":1}}]} | /routeRules/0/resource/y | ",
      "{\"routeRules\":[{\"path\":\"/a\",\"action\":\"read\",\"resource\":[]}]} | /routeRules/0/resource | must be an object",
      "{\"routeRules\":[{\"path\":\"/a\",\"public\":\"yes\"}]}                | /routeRules/0/public   | true or false",
      "{\"routeRules\":[{\"path\":\"/a\",\"public\":true,\"methods\":[\"GET\",\"GET\"]}]} | /routeRules/0/methods/1 | duplicates",
      "{\"routeRules\":[{\"path\":\"/a\",\"public\":true,\"methods\":[\"get\"]}]} | /routeRules/0/methods/0 | upper-case",
      "{\"routeRules\":[{\"path\":\"/a\",\"action\":\"read\"}]}               | /routeRules/0/resource/type | is required",
      "{\"routeRules\":[{\"path\":\"a\",\"public\":true}]}                     | /routeRules/0/path     | must start with /",
      "{\"routeRules\":[{\"path\":\"/a\\u0001\",\"public\":true}]}             | /routeRules/0/path     | ",
  })
  void refusesBadRules(String rules, String field, String reason) {
    JsonObject body = new JsonObject(rules).put("audience", "https://rs.example").put("facility", "esrf");
    assertThatThrownBy(() -> validator.validate(MemberKind.RESOURCE_SERVER, body))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          if (reason != null) {
            assertThat(e.reason()).contains(reason);
          }
        });
  }

  @Test
  void refusesTooManyRules() {
    JsonArray many = new JsonArray();
    for (int i = 0; i <= 200; i++) {
      many.add(new JsonObject().put("path", "/p" + i).put("public", true));
    }
    JsonObject body = new JsonObject().put("audience", "https://rs.example").put("routeRules", many);
    assertThatThrownBy(() -> validator.validate(MemberKind.RESOURCE_SERVER, body))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/routeRules"));
  }
}
