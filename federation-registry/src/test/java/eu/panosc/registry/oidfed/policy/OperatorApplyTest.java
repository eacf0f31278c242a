package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.metadata;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Application of each operator to a metadata parameter (OpenID Federation 1.0, 6.1.3.1.1-7, 6.1.4.2). */
class OperatorApplyTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value replaces string           | {"value":"x"}                 | "y"           | "x"
      value sets absent               | {"value":"x"}                 | ABSENT        | "x"
      value null removes              | {"value":null}                | "y"           | ABSENT
      value null on absent            | {"value":null}                | ABSENT        | ABSENT
      value array replaces array      | {"value":["a"]}               | ["b","c"]     | ["a"]
      value boolean                   | {"value":false}               | true          | false
      value number                    | {"value":5}                   | ABSENT        | 5
      value object (optional type)    | {"value":{"k":"v"}}           | ABSENT        | {"k":"v"}
      add appends new values          | {"add":["b"]}                 | ["a"]         | ["a","b"]
      add skips present values        | {"add":["a"]}                 | ["a","b"]     | ["a","b"]
      add initialises absent          | {"add":["a","b"]}             | ABSENT        | ["a","b"]
      add numbers                     | {"add":[2]}                   | [1]           | [1,2]
      default sets absent             | {"default":"d"}               | ABSENT        | "d"
      default leaves present          | {"default":"d"}               | "x"           | "x"
      default array                   | {"default":["a"]}             | ABSENT        | ["a"]
      one_of accepts listed           | {"one_of":["a","b"]}          | "a"           | "a"
      one_of ignores absent           | {"one_of":["a","b"]}          | ABSENT        | ABSENT
      one_of number                   | {"one_of":[1,2]}              | 2             | 2
      one_of object                   | {"one_of":[{"k":"v"}]}        | {"k":"v"}     | {"k":"v"}
      subset_of intersects            | {"subset_of":["a","b","c"]}   | ["a","e"]     | ["a"]
      subset_of keeps parameter order | {"subset_of":["c","b","a"]}   | ["a","b","x"] | ["a","b"]
      subset_of empty intersection    | {"subset_of":["a","b","c"]}   | ["d","e"]     | []
      subset_of ignores absent        | {"subset_of":["a"]}           | ABSENT        | ABSENT
      superset_of satisfied           | {"superset_of":["a"]}         | ["a","b"]     | ["a","b"]
      superset_of equal sets          | {"superset_of":["a","b"]}     | ["b","a"]     | ["b","a"]
      superset_of ignores absent      | {"superset_of":["a"]}         | ABSENT        | ABSENT
      essential true present          | {"essential":true}            | "x"           | "x"
      essential true object           | {"essential":true}            | {"k":1}       | {"k":1}
      essential false absent          | {"essential":false}           | ABSENT        | ABSENT
      """)
  void applyWhenCompliantThenResult(String name, String operators, String input, String expected) {
    JsonObject result = MetadataPolicies.apply(policy(operators), metadata(input));

    assertThat(result).isEqualTo(metadata(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      add to a string                 | {"add":["a"]}                 | "x"           | add
      one_of value not listed         | {"one_of":["a"]}              | "b"           | one_of
      one_of array parameter          | {"one_of":["a"]}              | ["a"]         | one_of
      one_of boolean parameter        | {"one_of":["a"]}              | true          | one_of
      subset_of on a string           | {"subset_of":["a"]}           | "a"           | subset_of
      superset_of missing value       | {"superset_of":["a","b"]}     | ["a"]         | superset_of
      superset_of on a string         | {"superset_of":["a"]}         | "a"           | superset_of
      essential true absent           | {"essential":true}            | ABSENT        | essential
      default not in one_of           | {"default":"x","one_of":["a"]}| ABSENT        | one_of
      """)
  void applyWhenViolatedThenPolicyError(String name, String operators, String input, String operator) {
    assertPolicyError(() -> MetadataPolicies.apply(policy(operators), metadata(input)), operator);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value array with null element   | {"value":[null]}              | value
      add not an array                | {"add":"a"}                   | add
      add boolean element             | {"add":[true]}                | add
      default null                    | {"default":null}              | default
      one_of not an array             | {"one_of":"a"}                | one_of
      one_of empty                    | {"one_of":[]}                 | one_of
      subset_of object                | {"subset_of":{"a":1}}         | subset_of
      superset_of null                | {"superset_of":null}          | superset_of
      superset_of nested array        | {"superset_of":[["a"]]}       | superset_of
      essential string                | {"essential":"true"}          | essential
      essential null                  | {"essential":null}            | essential
      """)
  void policyWhenOperandHasWrongTypeThenPolicyError(String name, String operators, String operator) {
    assertPolicyError(() -> MetadataPolicies.apply(policy(operators), metadata("ABSENT")), operator);
    assertPolicyError(() -> MetadataPolicies.combine(policy(operators), new JsonObject()), operator);
  }

  @Test
  void applyWhenPolicyGivenThenInputUntouchedAndOtherTypesKept() {
    JsonObject input = new JsonObject("""
        {"openid_relying_party":{"grant_types":["authorization_code","implicit"]},
         "federation_entity":{"organization_name":"ILL"}}""");
    JsonObject snapshot = input.copy();
    JsonObject policy = new JsonObject("""
        {"openid_relying_party":{"grant_types":{"subset_of":["authorization_code"]}},
         "openid_provider":{"issuer":{"essential":true}}}""");

    JsonObject result = MetadataPolicies.apply(policy, input);

    assertThat(input).isEqualTo(snapshot);
    assertThat(result).isEqualTo(new JsonObject("""
        {"openid_relying_party":{"grant_types":["authorization_code"]},
         "federation_entity":{"organization_name":"ILL"}}"""));
  }
}
