package eu.panosc.pdp.model;

import java.util.Objects;
import java.util.Set;

/** A proposal member: canonical user id (from the aai-broker), optional ORCID, and role. */
public record Member(String proposal, String user, String orcid, String role) {
  /** The member roles of a proposal. */
  public static final Set<String> ROLES = Set.of("pi", "co-proposer", "local-contact");

  public Member {
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(user, "user");
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("role must be one of pi, co-proposer, local-contact");
    }
  }
}
