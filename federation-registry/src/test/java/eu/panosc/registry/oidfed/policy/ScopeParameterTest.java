package eu.panosc.registry.oidfed.policy;

import static eu.panosc.registry.oidfed.policy.PolicyFixtures.assertPolicyError;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.metadata;
import static eu.panosc.registry.oidfed.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The space-separated {@code scope} parameter is handled as an array (OpenID Federation 1.0, 6.1.3.1.8). */
class ScopeParameterTest {
  private static final String SCOPE = "scope";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      subset_of narrows the string     | {"subset_of":["openid","email"]}                         | "openid email profile" | "openid email"
      superset_of satisfied            | {"superset_of":["openid"]}                               | "email openid"         | "email openid"
      add appends                      | {"add":["openid"]}                                       | "email"                | "email openid"
      add initialises                  | {"add":["openid"]}                                       | ABSENT                 | "openid"
      default string                   | {"default":"openid profile","subset_of":["openid"]}      | ABSENT                 | "openid"
      value string within subset_of    | {"value":"openid email","subset_of":["openid","email"]}  | "profile"              | "openid email"
      """)
  void applyWhenScopeThenTreatedAsArray(String name, String operators, String input, String expected) {
    assertThat(MetadataPolicies.apply(policy(SCOPE, operators), metadata(SCOPE, input)))
        .isEqualTo(metadata(SCOPE, expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      superset_of missing scope        | {"superset_of":["openid"]}                               | "email"   | superset_of
      value outside subset_of          | {"value":"openid admin","subset_of":["openid"]}          | ABSENT    | value
      """)
  void applyWhenScopeViolatesThenPolicyError(String name, String operators, String input, String operator) {
    assertPolicyError(() -> MetadataPolicies.apply(policy(SCOPE, operators), metadata(SCOPE, input)),
        SCOPE, operator);
  }
}
