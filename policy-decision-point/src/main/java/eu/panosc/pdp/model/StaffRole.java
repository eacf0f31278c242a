package eu.panosc.pdp.model;

import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.util.Objects;
import java.util.Set;

/** A facility staff role held by a user. */
public record StaffRole(String user, String facility, String role) {
  /** The staff roles. */
  public static final Set<String> ROLES = Set.of("staff-scientist", "data-manager", "admin");

  public StaffRole {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(facility, "facility");
    checkRole(role);
  }

  /** This role if every field passes the platform's {@link Input} rule, else {@link InvalidInputException}. */
  public StaffRole checked() {
    Input.id("user", user);
    Input.id("facility", facility);
    return this;
  }

  /** Refuses anything but one of {@link #ROLES}, naming the field {@code role}. */
  static String checkRole(String role) {
    if (!ROLES.contains(role)) {
      throw new InvalidInputException("role", "must be staff-scientist, data-manager or admin");
    }
    return role;
  }
}
