package eu.panosc.broker.model;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The user behind a request, as the broker sees it: their id (the token's {@code sub}), whether they are staff at
 * some facility or an administrator of the broker, the proposals they are a member of and the facilities they
 * belong to (from the AARC entitlements of their token).
 */
public record Caller(String user, boolean staff, boolean admin, Set<String> proposals, Set<String> facilities) {
  public Caller {
    Objects.requireNonNull(user, "user");
    proposals = Set.copyOf(proposals);
    facilities = Set.copyOf(facilities);
  }

  /** The roles visibility rules can name: always {@code user}, plus {@code staff} and {@code admin} when held. */
  public Set<String> roles() {
    Set<String> roles = new LinkedHashSet<>();
    roles.add("user");
    if (staff) {
      roles.add("staff");
    }
    if (admin) {
      roles.add("admin");
    }
    return roles;
  }
}
