package eu.panosc.pdp.engine;

import eu.panosc.pdp.policy.RelationFunctions;
import eu.panosc.pdp.store.Relations;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link RelationFunctions} over the relation cache and the caller-supplied entitlements. A proposal id
 * starting with {@link #PROBE_PROPOSAL} (a NUL character, which no stored id can hold) stands for "a
 * proposal in which the subject holds the role that follows": the filter compiler's probes.
 */
public final class PolicyFunctions implements RelationFunctions {
  /** Prefix of the synthetic proposal ids of policy probes. */
  public static final String PROBE_PROPOSAL = "\u0000probe:";

  private final Relations relations;
  private final EntitlementMapper entitlements;

  public PolicyFunctions(Relations relations, EntitlementMapper entitlements) {
    this.relations = Objects.requireNonNull(relations, "relations");
    this.entitlements = Objects.requireNonNull(entitlements, "entitlements");
  }

  @Override
  public String member(Map<?, ?> subject, Map<?, ?> resource) {
    if (!"user".equals(subject.get("type")) || !(subject.get("id") instanceof String user)
        || !(resource.get("proposal") instanceof String proposal)) {
      return "";
    }
    if (proposal.startsWith(PROBE_PROPOSAL)) {
      return proposal.substring(PROBE_PROPOSAL.length());
    }
    String role = relations.memberRole(user, proposal);
    if (role != null) {
      return role;
    }
    if (subject.get("properties") instanceof Map<?, ?> props && props.get("entitlements") instanceof List<?> list) {
      String entitled = entitlements.roleIn(list, proposal);
      return entitled == null ? "" : entitled;
    }
    return "";
  }

  @Override
  public List<String> staff(Map<?, ?> subject, String facility) {
    if (!"user".equals(subject.get("type")) || !(subject.get("id") instanceof String user)) {
      return List.of();
    }
    Set<String> roles = relations.staffRoles(user, facility);
    return roles.isEmpty() ? List.of() : List.copyOf(roles);
  }
}
