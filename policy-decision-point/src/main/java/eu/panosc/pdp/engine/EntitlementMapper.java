package eu.panosc.pdp.engine;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads proposal membership from AARC-G002/G069 entitlements
 * ({@code <namespace>:group:<group>[:<subgroup>]*[:role=<role>]#<authority>}): the group part must
 * match the configured pattern (named groups {@code facility} and {@code proposal}; subgroups satisfy
 * the parent group), and the authority must be trusted. The role becomes the member role when it is
 * one ({@code pi}, {@code co-proposer}, {@code local-contact}), else {@code member}.
 */
public final class EntitlementMapper {
  /** Matches e.g. {@code urn:geant:eduteams.org:group:panosc:esrf:MX-2415} and its subgroups. */
  public static final String DEFAULT_PATTERN =
      "^urn:geant:eduteams\\.org:group:panosc:(?<facility>[^:]+):(?<proposal>[^:]+)(?::.+)?$";
  private static final Set<String> MEMBER_ROLES = Set.of("pi", "co-proposer", "local-contact");

  private final Pattern pattern;
  private final Set<String> trustedAuthorities;

  public EntitlementMapper(String pattern, Set<String> trustedAuthorities) {
    this.pattern = Pattern.compile(Objects.requireNonNull(pattern, "pattern"));
    if (!pattern.contains("(?<facility>") || !pattern.contains("(?<proposal>")) {
      throw new IllegalArgumentException("the entitlement pattern needs named groups 'facility' and 'proposal'");
    }
    this.trustedAuthorities = Set.copyOf(trustedAuthorities);
  }

  /** The role that {@code entitlements} grant in {@code proposal} ({@code facility:id}), or null. */
  public String roleIn(List<?> entitlements, String proposal) {
    if (entitlements == null || proposal == null || trustedAuthorities.isEmpty()) {
      return null;
    }
    String best = null;
    for (Object o : entitlements) {
      Grant g = grant(o);
      if (g != null && g.proposal().equals(proposal) && (best == null || g.role().equals("pi"))) {
        best = g.role();
      }
    }
    return best;
  }

  /** Every proposal ({@code facility:id}) that {@code entitlements} grant a role in, with that role. */
  public java.util.Map<String, String> proposals(List<?> entitlements) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    if (entitlements == null || trustedAuthorities.isEmpty()) {
      return out;
    }
    for (Object o : entitlements) {
      Grant g = grant(o);
      if (g != null) {
        out.merge(g.proposal(), g.role(), (previous, next) -> next.equals("pi") ? next : previous);
      }
    }
    return out;
  }

  /** What one entitlement grants: a proposal and a role. */
  private record Grant(String proposal, String role) {}

  /** The grant of a trusted entitlement whose group matches the pattern, else null. */
  private Grant grant(Object o) {
    if (!(o instanceof String e)) {
      return null;
    }
    int hash = e.lastIndexOf('#');
    if (hash < 0 || !trustedAuthorities.contains(e.substring(hash + 1))) {
      return null;
    }
    String group = e.substring(0, hash);
    String role = null;
    int roleAt = group.lastIndexOf(":role=");
    if (roleAt >= 0) {
      role = group.substring(roleAt + 6);
      group = group.substring(0, roleAt);
    }
    Matcher m = pattern.matcher(group);
    if (!m.matches()) {
      return null;
    }
    return new Grant(m.group("facility") + ":" + m.group("proposal"),
        role != null && MEMBER_ROLES.contains(role) ? role : "member");
  }
}
