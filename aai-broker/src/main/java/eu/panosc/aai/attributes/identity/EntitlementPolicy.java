package eu.panosc.aai.attributes.identity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps the AARC group entitlements whose {@code #authority} is trusted for an upstream and drops the others,
 * counting (never logging) what it dropped: malformed values and values of untrusted authorities.
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

  /** The accepted entitlements (as given, in order, without duplicates) and the counts of dropped ones. */
  public record Result(List<Entitlement> accepted, int malformed, int untrusted) {
    public Result {
      accepted = List.copyOf(accepted);
    }

    /** The accepted entitlements as text. */
    public List<String> values() {
      return accepted.stream().map(Entitlement::value).toList();
    }
  }

  public Result filter(List<String> values) {
    List<Entitlement> accepted = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    int malformed = 0;
    int untrusted = 0;
    for (String v : values) {
      var parsed = Entitlement.parse(v);
      if (parsed.isEmpty()) {
        malformed++;
      } else if (!trusted.contains(parsed.get().authority().toLowerCase(Locale.ROOT))) {
        untrusted++;
      } else if (seen.add(parsed.get().value())) {
        accepted.add(parsed.get());
      }
    }
    return new Result(accepted, malformed, untrusted);
  }
}
