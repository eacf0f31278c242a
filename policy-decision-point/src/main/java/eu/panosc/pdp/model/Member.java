package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.util.Objects;
import java.util.Set;

/** A proposal member: canonical user id (from the aai-broker), optional ORCID, and role. */
public record Member(String proposal, String user, String orcid, String role) {
  /** The member roles of a proposal. */
  public static final Set<String> ROLES = Set.of("pi", "co-proposer", "local-contact");
  /** The longest ORCID (an iD or its https URL), in characters. */
  public static final int MAX_ORCID = 256;

  public Member {
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(user, "user");
    if (!ROLES.contains(role)) {
      throw new InvalidInputException("role", "must be pi, co-proposer or local-contact");
    }
  }

  /** This member if every field passes the platform's {@link Input} rule, else {@link InvalidInputException}. */
  public Member checked() {
    Input.id("proposal", proposal);
    Input.id("user", user);
    Input.text("orcid", orcid, MAX_ORCID, false);
    return this;
  }
}
