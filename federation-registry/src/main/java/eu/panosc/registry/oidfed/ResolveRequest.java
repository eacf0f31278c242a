package eu.panosc.registry.oidfed;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A resolve request.
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8.3.1">OpenID Federation 1.0 §8.3.1, Resolve Request</a>
 */
public record ResolveRequest(String sub, List<String> trustAnchors, Set<String> entityTypes) {
  public ResolveRequest {
    Objects.requireNonNull(sub, "sub");
    trustAnchors = List.copyOf(trustAnchors);
    entityTypes = entityTypes == null ? Set.of() : Set.copyOf(entityTypes);
  }
}
