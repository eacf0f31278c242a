package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.PARAM;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.metadata;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.operatorsOf;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Allowed and forbidden operator combinations within one parameter policy (OpenID Federation 1.0, 6.1.3.1.1-7). */
class OperatorCombinationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value + add, add within value          | {"value":["a","b"],"add":["a"]}
      value + default                        | {"value":"a","default":"b"}
      value + one_of, value listed           | {"value":"a","one_of":["a","b"]}
      value + subset_of, value within        | {"value":["a"],"subset_of":["a","b"]}
      value + superset_of, value covers      | {"value":["a","b"],"superset_of":["a"]}
      value + essential true                 | {"value":"a","essential":true}
      value null + essential false           | {"value":null,"essential":false}
      value null + one_of                    | {"value":null,"one_of":["a"]}
      value null + subset_of                 | {"value":null,"subset_of":["a"]}
      value null + superset_of               | {"value":null,"superset_of":["a"]}
      add + default                          | {"add":["a"],"default":["b"]}
      add + subset_of, add within            | {"add":["a"],"subset_of":["a","b"]}
      add + superset_of                      | {"add":["a"],"superset_of":["b"]}
      add + essential                        | {"add":["a"],"essential":true}
      default + one_of                       | {"default":"a","one_of":["a","b"]}
      default + subset_of                    | {"default":["a"],"subset_of":["a","b"]}
      default + superset_of                  | {"default":["a"],"superset_of":["a"]}
      one_of + essential                     | {"one_of":["a"],"essential":false}
      subset_of + superset_of, set equals    | {"subset_of":["a","b"],"superset_of":["b","a"]}
      subset_of + superset_of, nested        | {"subset_of":["a","b","c"],"superset_of":["a"]}
      subset_of + essential                  | {"subset_of":["a"],"essential":true}
      all but one_of                         | {"value":["a","b"],"add":["a"],"default":["a"],"subset_of":["a","b","c"],"superset_of":["b"],"essential":true}
      """)
  void policyWhenCombinationAllowedThenAcceptedAndMergeIdempotent(String name, String operators) {
    JsonObject expected = new JsonObject(operators);

    assertThat(operatorsOf(MetadataPolicies.combine(policy(operators), new JsonObject()), PARAM))
        .isEqualTo(expected);
    assertThat(operatorsOf(MetadataPolicies.combine(new JsonObject(), policy(operators)), PARAM))
        .isEqualTo(expected);
    assertThat(operatorsOf(MetadataPolicies.combine(policy(operators), policy(operators)), PARAM))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value + add, add outside value         | {"value":["a"],"add":["b"]}                 | value
      value string + add                     | {"value":"a","add":["a"]}                   | value
      value null + add                       | {"value":null,"add":["a"]}                  | value
      value null + default                   | {"value":null,"default":"a"}                | value
      value null + essential true            | {"value":null,"essential":true}             | value
      value not in one_of                    | {"value":"c","one_of":["a","b"]}            | value
      value array + one_of                   | {"value":["a"],"one_of":["a"]}              | value
      value not subset of subset_of          | {"value":["a","c"],"subset_of":["a","b"]}   | value
      value string + subset_of               | {"value":"a","subset_of":["a"]}             | value
      value not superset of superset_of      | {"value":["a"],"superset_of":["a","b"]}     | value
      add not subset of subset_of            | {"add":["c"],"subset_of":["a","b"]}         | add
      one_of + add                           | {"one_of":["a"],"add":["a"]}                | one_of
      one_of + subset_of                     | {"one_of":["a"],"subset_of":["a"]}          | one_of
      one_of + superset_of                   | {"one_of":["a"],"superset_of":["a"]}        | one_of
      superset_of not within subset_of       | {"subset_of":["a","b"],"superset_of":["a","c"]} | superset_of
      subset_of + superset_of disjoint       | {"subset_of":["a"],"superset_of":["b"]}     | superset_of
      """)
  void policyWhenCombinationForbiddenThenPolicyError(String name, String operators, String operator) {
    assertPolicyError(() -> MetadataPolicies.apply(policy(operators), metadata("ABSENT")), operator);
    assertPolicyError(() -> MetadataPolicies.combine(policy(operators), new JsonObject()), operator);
    assertPolicyError(() -> MetadataPolicies.combine(new JsonObject(), policy(operators)), operator);
  }
}
