package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.PARAM;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.RP;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.operatorsOf;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Operator value merge, one operator per row (OpenID Federation 1.0, 6.1.3.1.1-7 and 6.1.4.1). */
class OperatorMergeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value equal strings          | {"value":"a"}                  | {"value":"a"}                  | {"value":"a"}
      value equal null             | {"value":null}                 | {"value":null}                 | {"value":null}
      value equal arrays           | {"value":["a","b"]}            | {"value":["a","b"]}            | {"value":["a","b"]}
      value equal numbers 1 and 1.0| {"value":1}                    | {"value":1.0}                  | {"value":1}
      value only in subordinate    | {"essential":true}             | {"value":"a"}                  | {"value":"a","essential":true}
      add union                    | {"add":["a","b"]}              | {"add":["b","c"]}              | {"add":["a","b","c"]}
      default equal                | {"default":["a"]}              | {"default":["a"]}              | {"default":["a"]}
      one_of intersection          | {"one_of":["a","b","c"]}       | {"one_of":["d","c","b"]}       | {"one_of":["b","c"]}
      one_of numbers by value      | {"one_of":[1,2]}               | {"one_of":[2.0,3]}             | {"one_of":[2]}
      subset_of intersection       | {"subset_of":["a","b","c"]}    | {"subset_of":["b","c","d"]}    | {"subset_of":["b","c"]}
      subset_of empty intersection | {"subset_of":["a"]}            | {"subset_of":["b"]}            | {"subset_of":[]}
      superset_of union            | {"superset_of":["a"]}          | {"superset_of":["b"]}          | {"superset_of":["a","b"]}
      essential false OR true      | {"essential":false}            | {"essential":true}             | {"essential":true}
      essential true OR false      | {"essential":true}             | {"essential":false}            | {"essential":true}
      essential false OR false     | {"essential":false}            | {"essential":false}            | {"essential":false}
      disjoint operators copied    | {"subset_of":["a","b"]}        | {"superset_of":["a"],"default":["a"]} | {"subset_of":["a","b"],"superset_of":["a"],"default":["a"]}
      """)
  void mergeWhenCompatibleThenCombined(String name, String superior, String subordinate, String expected) {
    JsonObject combined = MetadataPolicies.combine(policy(superior), policy(subordinate));

    assertThat(operatorsOf(combined, PARAM)).isEqualTo(new JsonObject(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      value differs                        | {"value":"a"}               | {"value":"b"}               | value
      value arrays in other order          | {"value":["a","b"]}         | {"value":["b","a"]}         | value
      value null and non-null              | {"value":null}              | {"value":"a"}               | value
      default differs                      | {"default":"a"}             | {"default":"b"}             | default
      one_of empty intersection            | {"one_of":["a"]}            | {"one_of":["b"]}            | one_of
      merged value not in one_of           | {"one_of":["a","b"]}        | {"value":"c"}               | value
      merged value not subset of subset_of | {"subset_of":["a"]}         | {"value":["a","b"]}         | value
      merged value lacks superset_of       | {"value":["a"]}             | {"superset_of":["b"]}       | value
      merged add not subset of value       | {"value":["a"]}             | {"add":["b"]}               | value
      merged add not subset of subset_of   | {"subset_of":["a","b"]}     | {"add":["c"]}               | add
      merged superset_of not in subset_of  | {"subset_of":["a","b"]}     | {"superset_of":["c"]}       | superset_of
      subset_of narrowed below superset_of | {"subset_of":["a","b"],"superset_of":["a","b"]} | {"subset_of":["a"]} | superset_of
      merged one_of with subset_of         | {"one_of":["a"]}            | {"subset_of":["a"]}         | one_of
      merged one_of with superset_of       | {"superset_of":["a"]}       | {"one_of":["a"]}            | one_of
      merged one_of with add               | {"add":["a"]}               | {"one_of":["a"]}            | one_of
      merged value null with default       | {"value":null}              | {"default":"a"}             | value
      merged value null with essential     | {"value":null}              | {"essential":true}          | value
      """)
  void mergeWhenConflictingThenPolicyError(String name, String superior, String subordinate, String operator) {
    assertPolicyError(() -> MetadataPolicies.combine(policy(superior), policy(subordinate)), operator);
  }

  @Test
  void combineWhenEntityTypesAndParametersDifferThenCopied() {
    JsonObject superior = new JsonObject("""
        {"openid_provider":{"scopes_supported":{"superset_of":["openid"]}},
         "openid_relying_party":{"grant_types":{"essential":true}}}""");
    JsonObject subordinate = new JsonObject("""
        {"openid_relying_party":{"contacts":{"add":["ops@facility.example"]}},
         "oauth_resource":{"jwks_uri":{"essential":true}}}""");

    JsonObject combined = MetadataPolicies.combine(superior, subordinate);

    assertThat(combined).isEqualTo(new JsonObject("""
        {"openid_provider":{"scopes_supported":{"superset_of":["openid"]}},
         "openid_relying_party":{"grant_types":{"essential":true},
                                 "contacts":{"add":["ops@facility.example"]}},
         "oauth_resource":{"jwks_uri":{"essential":true}}}"""));
  }

  @Test
  void combineWhenInputsGivenThenInputsUntouched() {
    JsonObject superior = policy("{\"add\":[\"a\"]}");
    JsonObject subordinate = policy("{\"add\":[\"b\"]}");

    MetadataPolicies.combine(superior, subordinate);

    assertThat(superior).isEqualTo(policy("{\"add\":[\"a\"]}"));
    assertThat(subordinate).isEqualTo(policy("{\"add\":[\"b\"]}"));
  }

  @Test
  void combineWhenEntityTypePolicyNotObjectThenErrorNamesEntityType() {
    JsonObject bad = new JsonObject().put(RP, "nope");

    assertThatThrownBy(() -> MetadataPolicies.combine(bad, new JsonObject()))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("entity type '" + RP + "'");
  }
}
