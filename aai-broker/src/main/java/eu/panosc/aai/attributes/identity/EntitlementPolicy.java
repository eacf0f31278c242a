package eu.panosc.aai.attributes.identity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps the AARC group entitlements whose authority ({@code #authority}, else the namespace owner: see
 * {@link Entitlement}) is trusted for an upstream and drops the others, counting (never logging) what it dropped:
 * malformed values and values of untrusted authorities, and naming those authorities (not the values).
 */
public final class EntitlementPolicy {
  private final Set<String> trusted;

  /** @param trustedAuthorities authorities (e.g. {@code eduteams.org}) compared without regard to ASCII case */
  public EntitlementPolicy(Set<String> trustedAuthorities) {
    Set<String> t = new LinkedHashSet<>();
    for (String a : trustedAuthorities) {
      t.add(a.toLowerCase(Locale.ROOT));
    }
    this.trusted = Set.copyOf(t);
  }

  /** At most this many distinct untrusted authorities are named in a {@link Result}, each cut to 100 characters. */
  public static final int MAX_NAMED_AUTHORITIES = 10;

  /**
   * The accepted entitlements (in G069 form, in order, without duplicates), the counts of dropped ones and the
   * authorities of the untrusted ones (distinct, lower case, at most {@link #MAX_NAMED_AUTHORITIES}; safe to log: URN
   * characters only).
   */
  public record Result(List<Entitlement> accepted, int malformed, int untrusted, Set<String> untrustedAuthorities) {
    public Result {
      accepted = List.copyOf(accepted);
      untrustedAuthorities = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(untrustedAuthorities));
    }

    public Result(List<Entitlement> accepted, int malformed, int untrusted) {
      this(accepted, malformed, untrusted, Set.of());
    }

    /** The accepted entitlements as text. */
    public List<String> values() {
      return accepted.stream().map(Entitlement::value).toList();
    }
  }

  /** The trusted authorities (lower case). */
  public Set<String> trusted() {
    return trusted;
  }

  /** This policy trusting {@code more} authorities as well (e.g. the registry's list for the upstream). */
  public EntitlementPolicy with(Set<String> more) {
    if (more.isEmpty()) {
      return this;
    }
    Set<String> all = new LinkedHashSet<>(trusted);
    all.addAll(more);
    return new EntitlementPolicy(all);
  }

  public Result filter(List<String> values) {
    List<Entitlement> accepted = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    Set<String> untrustedAuthorities = new LinkedHashSet<>();
    int malformed = 0;
    int untrusted = 0;
    for (String v : values) {
      var parsed = Entitlement.parse(v);
      if (parsed.isEmpty()) {
        malformed++;
      } else if (!trusted.contains(parsed.get().authority().toLowerCase(Locale.ROOT))) {
        untrusted++;
        if (untrustedAuthorities.size() < MAX_NAMED_AUTHORITIES) {
          String a = parsed.get().authority().toLowerCase(Locale.ROOT);
          untrustedAuthorities.add(a.length() > 100 ? a.substring(0, 100) + "..." : a);
        }
      } else if (seen.add(parsed.get().value())) {
        accepted.add(parsed.get());
      }
    }
    return new Result(accepted, malformed, untrusted, untrustedAuthorities);
  }
}
