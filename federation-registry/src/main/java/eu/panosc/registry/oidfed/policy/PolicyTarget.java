package eu.panosc.registry.oidfed.policy;

import java.util.Objects;

/**
 * The metadata parameter of one entity type that a parameter policy acts on; builds error messages
 * that name both and the operator.
 *
 * @param entityType entity type identifier, e.g. {@code openid_relying_party}
 * @param parameter metadata parameter name, possibly with a language tag
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1.2">OpenID Federation 1.0, 6.1.2 Structure</a>
 */
record PolicyTarget(String entityType, String parameter) {

  /** The OAuth 2.0 {@code scope} parameter, a space-separated string treated as an array (6.1.3.1.8). */
  static final String SCOPE = "scope";

  PolicyTarget {
    Objects.requireNonNull(entityType, "entityType");
    Objects.requireNonNull(parameter, "parameter");
  }

  boolean isScope() {
    return SCOPE.equals(parameter);
  }

  PolicyException error(String operator, String reason) {
    return new PolicyException("entity type '" + entityType + "', parameter '" + parameter
        + "', operator '" + operator + "': " + reason);
  }

  PolicyException error(Operator operator, String reason) {
    return error(operator.jsonName(), reason);
  }
}
