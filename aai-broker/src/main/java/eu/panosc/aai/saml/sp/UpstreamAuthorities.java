package eu.panosc.aai.saml.sp;

import io.vertx.core.Future;
import java.util.Set;

/**
 * The entitlement authorities a SAML upstream is trusted for beyond its configured
 * {@code attributes.trustedEntitlementAuthorities}: the federation-registry's {@code trustedEntitlementAuthorities} of
 * the approved SAML upstream IdP member with the same id, read at each login (the registry client caches it until it
 * changes). A lookup that fails counts as none (only the configured list applies), so an unreachable registry never
 * widens trust.
 */
@FunctionalInterface
public interface UpstreamAuthorities {
  /** Nothing beyond the configured lists. */
  UpstreamAuthorities NONE = upstreamId -> Future.succeededFuture(Set.of());

  /** The further trusted authorities (lower case) of upstream {@code upstreamId}; empty when there are none. */
  Future<Set<String>> of(String upstreamId);
}
