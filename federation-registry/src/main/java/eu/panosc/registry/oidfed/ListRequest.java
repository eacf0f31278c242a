package eu.panosc.registry.oidfed;

import java.util.Set;

/**
 * A subordinate listing request; null filters are absent.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8.2.1">OpenID Federation 1.0 §8.2.1, Subordinate Listing Request</a>
 */
public record ListRequest(Set<String> entityTypes, Boolean trustMarked, String trustMarkType, Boolean intermediate) {
  public ListRequest {
    entityTypes = entityTypes == null ? Set.of() : Set.copyOf(entityTypes);
  }

  public static ListRequest all() {
    return new ListRequest(Set.of(), null, null, null);
  }
}
