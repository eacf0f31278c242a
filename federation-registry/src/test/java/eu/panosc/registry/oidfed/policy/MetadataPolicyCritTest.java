package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.PARAM;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.metadata;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.operatorsOf;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Additional operators and {@code metadata_policy_crit} (OpenID Federation 1.0, 6.1.3.2 and 6.1.4.1). */
class MetadataPolicyCritTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      unknown operator, no crit              | {"regexp":"^https://","essential":true} |                    |
      unknown operator, crit names another   | {"regexp":"^https://"}                  | intersects          |
      crit names a standard operator         | {"one_of":["a"]}                        | one_of              |
      crit names an unused unknown operator  | {"value":"a"}                           | regexp              |
      unknown operator listed in crit        | {"regexp":"^https://","essential":true} | regexp              | regexp
      one of two crit operators used         | {"intersects":["a"]}                    | regexp,intersects   | intersects
      Value (case differs) listed in crit    | {"Value":"a"}                           | Value               | Value
      """)
  void checkOperatorsWhenCritGivenThenOnlyUnsupportedCriticalRejected(
      String name, String operators, String crit, String rejected) {
    Set<String> critSet = crit == null ? Set.of()
        : Arrays.stream(crit.split(",")).map(String::trim).collect(Collectors.toSet());

    if (rejected == null) {
      assertThatCode(() -> MetadataPolicies.checkOperators(policy(operators), critSet))
          .doesNotThrowAnyException();
    } else {
      assertPolicyError(() -> MetadataPolicies.checkOperators(policy(operators), critSet), rejected);
    }
  }

  @Test
  void combineAndApplyWhenUnknownOperatorThenIgnored() {
    JsonObject withUnknown = policy("{\"regexp\":\"^https://\",\"subset_of\":[\"a\",\"b\"]}");

    JsonObject combined = MetadataPolicies.combine(withUnknown, policy("{\"regexp\":\"^http://\"}"));

    assertThat(operatorsOf(combined, PARAM)).isEqualTo(new JsonObject("{\"subset_of\":[\"a\",\"b\"]}"));
    assertThat(MetadataPolicies.apply(withUnknown, metadata("[\"a\",\"c\"]")))
        .isEqualTo(metadata("[\"a\"]"));
  }

  @Test
  void checkOperatorsWhenCritIsNullThenTreatedAsEmpty() {
    assertThatCode(() -> MetadataPolicies.checkOperators(policy("{\"regexp\":\"x\"}"), null))
        .doesNotThrowAnyException();
  }
}
