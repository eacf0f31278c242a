package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.metadata;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Operators apply in the order value, add, default, one_of, subset_of, superset_of, essential,
 * whatever their order in the JSON (OpenID Federation 1.0, 6.1.3.1.1-7 "Order of application", 6.1.4.2).
 */
class OrderOfApplicationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value overrides the parameter, then add    | {"add":["b"],"value":["a","b"]}                    | ["x"]         | ["a","b"]
      add then subset_of                         | {"subset_of":["a","b"],"add":["b"]}                | ["a","c"]     | ["a","b"]
      add initialises, default has no effect     | {"default":["z"],"add":["a"]}                      | ABSENT        | ["a"]
      default then subset_of                     | {"subset_of":["a","b"],"default":["a","c"]}        | ABSENT        | ["a"]
      default then one_of                        | {"one_of":["ES256","ES384"],"default":"ES256"}     | ABSENT        | "ES256"
      subset_of then superset_of                 | {"superset_of":["a"],"subset_of":["a","b"]}        | ["a","b","c"] | ["a","b"]
      value then essential                       | {"essential":true,"value":"x"}                     | ABSENT        | "x"
      default then essential                     | {"essential":true,"default":"x"}                   | ABSENT        | "x"
      subset_of empties, essential still met     | {"essential":true,"subset_of":["a"]}               | ["b"]         | []
      value null removes, essential false        | {"essential":false,"value":null}                   | "x"           | ABSENT
      """)
  void applyWhenOperatorsCombinedThenSpecOrder(String name, String operators, String input, String expected) {
    assertThat(MetadataPolicies.apply(policy(operators), metadata(input))).isEqualTo(metadata(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      subset_of narrows before superset_of checks | {"superset_of":["a"],"subset_of":["a","b"]} | ["b","c"]   | superset_of
      default applied before one_of checks        | {"one_of":["a"],"default":"b"}              | ABSENT      | one_of
      essential checked after subset_of           | {"essential":true,"subset_of":["a"]}        | ABSENT      | essential
      """)
  void applyWhenLaterCheckFailsThenPolicyError(String name, String operators, String input, String operator) {
    assertPolicyError(() -> MetadataPolicies.apply(policy(operators), metadata(input)), operator);
  }
}
