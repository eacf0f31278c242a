package eu.panosc.pdp.model;

import java.util.Objects;
import java.util.Set;

/** A facility staff role held by a user. */
public record StaffRole(String user, String facility, String role) {
  /** The staff roles. */
  public static final Set<String> ROLES = Set.of("staff-scientist", "data-manager", "admin");

  public StaffRole {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(facility, "facility");
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("role must be one of staff-scientist, data-manager, admin");
    }
  }
}
