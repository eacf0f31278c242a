package eu.panosc.registry.oidfed.policy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Builders and assertions shared by the policy tests. */
final class PolicyFixtures {
  static final String RP = "openid_relying_party";
  static final String PARAM = "grant_types";
  /** Table cell meaning "the parameter is absent". */
  static final String ABSENT = "ABSENT";

  private PolicyFixtures() {}

  /** {@code {RP: {param: operators}}}. */
  static JsonObject policy(String param, String operators) {
    return new JsonObject().put(RP, new JsonObject().put(param, new JsonObject(operators)));
  }

  static JsonObject policy(String operators) {
    return policy(PARAM, operators);
  }

  /** {@code {RP: {param: value}}}, or {@code {RP: {}}} when the cell is ABSENT. */
  static JsonObject metadata(String param, String value) {
    JsonObject rp = new JsonObject();
    if (!ABSENT.equals(value)) {
      rp.put(param, Json.decodeValue(value));
    }
    return new JsonObject().put(RP, rp);
  }

  static JsonObject metadata(String value) {
    return metadata(PARAM, value);
  }

  /** The operators that a combined policy holds for {@code RP}/{@code param}. */
  static JsonObject operatorsOf(JsonObject policy, String param) {
    return policy.getJsonObject(RP).getJsonObject(param);
  }

  /** Asserts a PolicyException whose message names the entity type, parameter and operator. */
  static void assertPolicyError(ThrowingCallable call, String param, String operator) {
    assertThatThrownBy(call)
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("entity type '" + RP + "'")
        .hasMessageContaining("parameter '" + param + "'")
        .hasMessageContaining("operator '" + operator + "'");
  }

  static void assertPolicyError(ThrowingCallable call, String operator) {
    assertPolicyError(call, PARAM, operator);
  }
}
