package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resolution over a chain, Trust Anchor first (OpenID Federation 1.0, 6.1.4.1). */
class CombineAllTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      add grows down the chain        | {"add":["ta"]}                | {"add":["int"]}               | {"add":["org"]}             | {"add":["ta","int","org"]}
      subset_of narrows at each level | {"subset_of":["a","b","c"]}   | {"subset_of":["a","b"]}       | {"subset_of":["b","a"]}     | {"subset_of":["a","b"]}
      one_of narrows to one           | {"one_of":["PS256","ES256"]}  | {"one_of":["ES256","ES384"]}  | {"essential":true}          | {"one_of":["ES256"],"essential":true}
      value set low, checked above    | {"one_of":["web","native"]}   | {"default":"web"}             | {"value":"web"}             | {"one_of":["web","native"],"default":"web","value":"web"}
      essential once true stays true  | {"essential":true}            | {"essential":false}           | {"essential":false}         | {"essential":true}
      superset_of accumulates         | {"superset_of":["a"],"subset_of":["a","b","c"]} | {"superset_of":["b"]} | {"superset_of":["c"]} | {"superset_of":["a","b","c"],"subset_of":["a","b","c"]}
      """)
  void combineAllWhenThreeLevelsThenMergedTopDown(String name, String ta, String intermediate,
      String org, String expected) {
    JsonObject combined = MetadataPolicies.combineAll(List.of(policy(ta), policy(intermediate), policy(org)));

    assertThat(combined).isEqualTo(policy(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      third level value conflicts      | {"value":"web"}               | {"essential":true}            | {"value":"native"}          | value
      third level leaves one_of empty  | {"one_of":["a","b"]}          | {"one_of":["b","c"]}          | {"one_of":["a"]}            | one_of
      third level add escapes subset   | {"subset_of":["a","b"]}       | {"add":["a"]}                 | {"add":["c"]}               | add
      third level superset escapes     | {"subset_of":["a","b"]}       | {"superset_of":["a"]}         | {"superset_of":["c"]}       | superset_of
      """)
  void combineAllWhenLowerLevelConflictsThenPolicyError(String name, String ta, String intermediate,
      String org, String operator) {
    assertPolicyError(() -> MetadataPolicies.combineAll(List.of(policy(ta), policy(intermediate), policy(org))),
        operator);
  }

  @Test
  void combineAllWhenEmptyThenEmptyPolicy() {
    assertThat(MetadataPolicies.combineAll(List.of())).isEqualTo(new JsonObject());
  }

  @Test
  void combineAllWhenStatementWithoutPolicyThenSkipped() {
    JsonObject combined = MetadataPolicies.combineAll(
        Arrays.asList(policy("{\"add\":[\"a\"]}"), null, policy("{\"add\":[\"b\"]}")));

    assertThat(combined).isEqualTo(policy("{\"add\":[\"a\",\"b\"]}"));
  }

  @Test
  void combineAllWhenSingleInvalidPolicyThenPolicyError() {
    assertPolicyError(() -> MetadataPolicies.combineAll(List.of(policy("{\"one_of\":[\"a\"],\"add\":[\"a\"]}"))),
        "one_of");
  }
}
