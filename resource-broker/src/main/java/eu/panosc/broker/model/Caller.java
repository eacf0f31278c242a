package eu.panosc.broker.model;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The user behind a request, as the broker sees it: their id (the token's {@code sub}, pairwise per client or
 * facility), whether they are staff at some facility or an administrator of the broker, the proposals they are a
 * member of and the facilities they belong to (from the AARC entitlements of their token), the client the token
 * was issued to and, when the token releases it, the canonical user id ({@code voperson_id}).
 */
public record Caller(String user, boolean staff, boolean admin, Set<String> proposals, Set<String> facilities,
    Optional<String> client, Optional<String> canonical) {
  public Caller {
    Objects.requireNonNull(user, "user");
    proposals = Set.copyOf(proposals);
    facilities = Set.copyOf(facilities);
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(canonical, "canonical");
  }

  /** A caller whose {@code user} is already the canonical id. */
  public Caller(String user, boolean staff, boolean admin, Set<String> proposals, Set<String> facilities) {
    this(user, staff, admin, proposals, facilities, Optional.empty(), Optional.of(user));
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
