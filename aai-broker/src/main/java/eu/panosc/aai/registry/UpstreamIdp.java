package eu.panosc.aai.registry;

import java.util.Objects;
import java.util.Set;

/**
 * An upstream identity provider as the registry publishes it ({@code GET /registry/v1/upstream-idps/{id}}): what the
 * provider reads of it.
 *
 * @param id the upstream's id (a slug such as {@code umbrellaid}); a configured upstream of the same id is this one
 * @param protocol {@code saml} or {@code oidc}
 * @param trustedEntitlementAuthorities the entitlement authorities (AARC-G069 {@code #authority}, or the AARC-G002
 *     namespace owner) accepted from this upstream, lower case
 */
public record UpstreamIdp(String id, String protocol, Set<String> trustedEntitlementAuthorities) {
  /** The protocols the registry knows. */
  public static final Set<String> PROTOCOLS = Set.of("saml", "oidc");

  public UpstreamIdp {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(protocol, "protocol");
    trustedEntitlementAuthorities = Set.copyOf(trustedEntitlementAuthorities);
  }
}
