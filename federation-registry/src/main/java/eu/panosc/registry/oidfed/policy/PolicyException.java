package eu.panosc.registry.oidfed.policy;

/**
 * A policy error: policies cannot be combined, or metadata violates a policy; the message names the
 * entity type, the metadata parameter and the operator.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-6.1.4">OpenID Federation 1.0, 6.1.4 Enforcement</a>
 */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A policy error with the given message. */
  public PolicyException(String message) {
    super(message);
  }
}
