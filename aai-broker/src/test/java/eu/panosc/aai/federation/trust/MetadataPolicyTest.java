package eu.panosc.aai.federation.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Metadata policy merging and application for {@code openid_provider} (OpenID Federation 1.0 §6.1): each operator,
 * the merge of a superior's and a subordinate's operands, and the combinations refused.
 */
class MetadataPolicyTest {
  private static JsonObject op(String json) {
    return new JsonObject().put("openid_provider", new JsonObject(json));
  }

  private static JsonObject apply(List<String> policiesTopDown, String metadata) {
    return MetadataPolicy.merge("openid_provider", policiesTopDown.stream().map(MetadataPolicyTest::op).toList())
        .apply(new JsonObject(metadata));
  }

  @Test
  void applyWhenEachOperatorThenItsEffect() {
    JsonObject m = apply(List.of("""
        {"issuer": {"value": "https://op.example"},
         "contacts": {"add": ["a@x"]},
         "ui_locales_supported": {"default": ["en"]},
         "token_endpoint_auth_methods_supported": {"subset_of": ["private_key_jwt", "client_secret_basic"]},
         "scopes_supported": {"superset_of": ["openid"]},
         "request_object_signing_alg_values_supported": {"value": null},
         "userinfo_endpoint": {"essential": false}}"""), """
        {"issuer": "https://other.example", "contacts": ["b@x"],
         "token_endpoint_auth_methods_supported": ["client_secret_jwt", "private_key_jwt"],
         "scopes_supported": ["openid", "email"], "request_object_signing_alg_values_supported": ["none"]}""");

    assertThat(m.getString("issuer")).isEqualTo("https://op.example");
    assertThat(m.getJsonArray("contacts")).containsExactly("b@x", "a@x");
    assertThat(m.getJsonArray("ui_locales_supported")).containsExactly("en");
    assertThat(m.getJsonArray("token_endpoint_auth_methods_supported")).containsExactly("private_key_jwt");
    assertThat(m.getJsonArray("scopes_supported")).containsExactly("openid", "email");
    assertThat(m.containsKey("request_object_signing_alg_values_supported")).isFalse();
    assertThat(m.containsKey("userinfo_endpoint")).isFalse();
  }

  @Test
  void mergeWhenSuperiorAndSubordinateThenUnionIntersectionAndOr() {
    JsonObject m = apply(List.of("""
        {"contacts": {"add": ["ta@x"]}, "grant_types_supported": {"subset_of": ["a", "b", "c"]},
         "scopes_supported": {"superset_of": ["openid"]}, "response_modes_supported": {"one_of": ["x", "y"]}}""", """
        {"contacts": {"add": ["int@x"]}, "grant_types_supported": {"subset_of": ["b", "c", "d"]},
         "scopes_supported": {"superset_of": ["profile"]}, "response_modes_supported": {"one_of": ["y", "z"]},
         "jwks_uri": {"essential": true}}"""), """
        {"grant_types_supported": ["a", "b", "c", "d"], "scopes_supported": ["openid", "profile"],
         "response_modes_supported": "y", "jwks_uri": "https://op.example/jwks"}""");

    assertThat(m.getJsonArray("contacts")).containsExactly("ta@x", "int@x");
    assertThat(m.getJsonArray("grant_types_supported")).containsExactly("b", "c");
    assertThat(m.getString("response_modes_supported")).isEqualTo("y");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"a\":{\"value\":\"x\"}}|{\"a\":{\"value\":\"y\"}}|{}|differ",
      "{\"a\":{\"default\":\"x\"}}|{\"a\":{\"default\":\"y\"}}|{}|differ",
      "{\"a\":{\"one_of\":[\"x\"]}}|{\"a\":{\"one_of\":[\"y\"]}}|{}|nothing in common",
      "{\"a\":{\"one_of\":[\"x\"]}}|{\"a\":{\"subset_of\":[\"x\"]}}|{}|cannot be combined",
      "{\"a\":{\"subset_of\":[\"x\"]}}|{\"a\":{\"superset_of\":[\"y\"]}}|{}|outside subset_of",
      "{\"a\":{\"value\":null}}|{\"a\":{\"default\":\"y\"}}|{}|null (remove)",
      "{\"a\":{\"value\":\"x\"}}|{\"a\":{\"one_of\":[\"y\"]}}|{}|not among one_of",
      "{\"a\":{\"value\":\"x\"}}|{\"a\":{\"add\":[\"y\"]}}|{}|not an array",
      "{\"a\":{\"value\":[\"x\"]}}|{\"a\":{\"superset_of\":[\"y\"]}}|{}|lacks superset_of",
      "{\"a\":{\"one_of\":[]}}|{}|{}|empty",
      "{\"a\":{\"essential\":\"yes\"}}|{}|{}|not a boolean",
      "{\"a\":{\"subset_of\":\"x\"}}|{}|{}|not an array",
      "{\"a\":{\"essential\":true}}|{}|{}|essential but absent",
      "{\"a\":{\"one_of\":[\"x\"]}}|{}|{\"a\":[\"x\"]}|not one of",
      "{\"a\":{\"superset_of\":[\"x\"]}}|{}|{\"a\":\"x\"}|not an array"
  })
  void mergeOrApplyWhenNotAllowedThenPolicyErrorNamingParameterAndOperator(String superior, String subordinate,
      String metadata, String message) {
    assertThatThrownBy(() -> apply(List.of(superior, subordinate), metadata))
        .isInstanceOfSatisfying(TrustChainException.class, e -> {
          assertThat(e.reason()).isEqualTo(TrustChainException.Reason.POLICY);
          assertThat(e.getMessage()).contains("parameter a").contains(message);
        });
  }
}
