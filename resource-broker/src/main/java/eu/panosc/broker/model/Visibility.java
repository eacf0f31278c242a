package eu.panosc.broker.model;

import java.util.Objects;
import java.util.Set;

/**
 * Who may see and use an image or a flavour: members of one of {@code proposals}, people of one of
 * {@code facilities} (staff there, or members of one of its proposals), or holders of one of {@code roles}
 * ({@code user}, {@code staff}, {@code admin}). All three empty: everyone.
 */
public record Visibility(Set<String> proposals, Set<String> facilities, Set<String> roles) {
  public static final Visibility EVERYONE = new Visibility(Set.of(), Set.of(), Set.of());

  public Visibility {
    proposals = Set.copyOf(Objects.requireNonNull(proposals, "proposals"));
    facilities = Set.copyOf(Objects.requireNonNull(facilities, "facilities"));
    roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
  }

  public boolean everyone() {
    return proposals.isEmpty() && facilities.isEmpty() && roles.isEmpty();
  }

  /** Whether {@code caller} may use the item (admins may use everything). */
  public boolean allows(Caller caller) {
    if (everyone() || caller.admin()) {
      return true;
    }
    return caller.proposals().stream().anyMatch(proposals::contains)
        || caller.facilities().stream().anyMatch(facilities::contains)
        || caller.roles().stream().anyMatch(roles::contains);
  }
}
