package eu.panosc.aai.attributes.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An AARC group entitlement: {@code <NAMESPACE>:group:<GROUP>[:<SUBGROUP>]*[:role=<ROLE>][#<AUTHORITY>]}, e.g.
 * {@code urn:geant:eduteams.org:group:panosc:esrf:MX-2415:role=member#eduteams.org}. The namespace is a URN
 * ({@code urn:...}); group, subgroups, role and authority are non-empty and use URN characters only (RFC 8141
 * {@code pchar} and {@code /}, {@code ?} excluded from names; {@code %} escapes allowed).
 *
 * <p>The authority is the G069 {@code #authority} suffix when there is one; without it (AARC-G002 makes it optional)
 * it is the namespace's owner, the delegated namespace after the NID ({@code eduteams.org} of
 * {@code urn:geant:eduteams.org:...}), which must then be a DNS name with at least one dot, else the value is not
 * accepted ({@code explicitAuthority} says which). {@link #value()} always writes the G069 form with the authority, so
 * what passed an authority check carries the authority it passed with.
 *
 * @see <a href="https://aarc-community.org/guidelines/aarc-g069/">AARC-G069</a>
 * @see <a href="https://aarc-community.org/guidelines/aarc-g002/">AARC-G002</a>
 */
public record Entitlement(String namespace, List<String> groups, Optional<String> role, String authority,
    boolean explicitAuthority) {
  /** The longest entitlement accepted. */
  public static final int MAX_LENGTH = 1024;
  private static final String GROUP = ":group:";
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=@%-]+");
  private static final Pattern NAMESPACE = Pattern.compile("(?i:urn):[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9._~!$&'()*+,;=@%:-]+");
  /** A namespace owner usable as an authority: a DNS name with at least two labels. */
  private static final Pattern OWNER = Pattern.compile(
      "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** An entitlement with a G069 {@code #authority}. */
  public Entitlement(String namespace, List<String> groups, Optional<String> role, String authority) {
    this(namespace, groups, role, authority, true);
  }

  public Entitlement {
    Objects.requireNonNull(namespace, "namespace");
    groups = List.copyOf(groups);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(authority, "authority");
  }

  /** Parses {@code value}; empty when it is not an AARC group entitlement. */
  public static Optional<Entitlement> parse(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    int hash = value.indexOf('#');
    if (hash >= 0 && hash != value.lastIndexOf('#')) {
      return Optional.empty();
    }
    String authority = hash < 0 ? null : value.substring(hash + 1);
    String body = hash < 0 ? value : value.substring(0, hash);
    int g = body.indexOf(GROUP);
    if (g <= 0 || authority != null && !PART.matcher(authority).matches()) {
      return Optional.empty();
    }
    String namespace = body.substring(0, g);
    if (!NAMESPACE.matcher(namespace).matches()) {
      return Optional.empty();
    }
    boolean explicit = authority != null;
    if (!explicit) {
      authority = owner(namespace).orElse(null);
      if (authority == null) {
        return Optional.empty();
      }
    }
    List<String> parts = Arrays.asList(body.substring(g + GROUP.length()).split(":", -1));
    Optional<String> role = Optional.empty();
    if (parts.getLast().startsWith("role=")) {
      role = Optional.of(parts.getLast().substring("role=".length()));
      parts = parts.subList(0, parts.size() - 1);
      if (role.get().isEmpty() || !PART.matcher(role.get()).matches()) {
        return Optional.empty();
      }
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    for (String p : parts) {
      if (!PART.matcher(p).matches() || p.startsWith("role=")) {
        return Optional.empty();
      }
    }
    return Optional.of(new Entitlement(namespace, parts, role, authority, explicit));
  }

  /**
   * The owner of an AARC-G002 namespace {@code urn:<NID>:<DELEGATED-NAMESPACE>[:<SUBNAMESPACE>]*}: the delegated
   * namespace, when it is a DNS name (e.g. {@code eduteams.org}); empty otherwise.
   */
  public static Optional<String> owner(String namespace) {
    String[] parts = namespace.split(":", -1);
    return parts.length >= 3 && OWNER.matcher(parts[2]).matches() ? Optional.of(parts[2]) : Optional.empty();
  }

  /**
   * Whether holding this entitlement satisfies membership of {@code groupPath} (e.g. {@code panosc:esrf}) in
   * {@code namespace}: the same namespace and a group path that equals it or lies below it, with any role or
   * none (a subgroup member or a role holder is a member of the parent group).
   */
  public boolean satisfies(String namespace, String groupPath) {
    if (!this.namespace.equalsIgnoreCase(namespace)) {
      return false;
    }
    List<String> wanted = Arrays.asList(groupPath.split(":", -1));
    return wanted.size() <= groups.size() && groups.subList(0, wanted.size()).equals(wanted);
  }

  /** Whether this entitlement grants {@code role} in {@code groupPath} exactly (not a subgroup). */
  public boolean hasRole(String namespace, String groupPath, String role) {
    return this.namespace.equalsIgnoreCase(namespace) && String.join(":", groups).equals(groupPath)
        && this.role.map(role::equals).orElse(false);
  }

  /** The entitlement as text. */
  public String value() {
    return namespace + GROUP + String.join(":", groups) + role.map(r -> ":role=" + r).orElse("") + "#" + authority;
  }
}
