package eu.panosc.broker.api;

import eu.panosc.broker.model.Caller;
import eu.panosc.platform.auth.AccessTokenPrincipal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who a bearer token speaks for: its {@code sub}; administrator with scope {@code broker:admin}; proposals,
 * facilities and staff from its AARC entitlements ({@code eduperson_entitlement}, e.g.
 * {@code urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=pi} is proposal {@code esrf:MX-2415} at facility
 * {@code esrf}; {@code ...:panosc:ill:staff:role=staff-scientist} is staff at {@code ill}).
 *
 * @see <a href="https://aarc-community.org/guidelines/aarc-g002/">AARC-G002 entitlements</a>
 */
public final class Callers {
  public static final String ADMIN_SCOPE = "broker:admin";
  private static final String GROUP = ":group:panosc:";

  private Callers() {}

  public static Caller of(AccessTokenPrincipal p) {
    Set<String> proposals = new LinkedHashSet<>();
    Set<String> facilities = new LinkedHashSet<>();
    boolean staff = false;
    if (p.claims().get("eduperson_entitlement") instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof String e)) {
          continue;
        }
        int g = e.indexOf(GROUP);
        if (g < 0) {
          continue;
        }
        String rest = e.substring(g + GROUP.length());
        int role = rest.indexOf(":role=");
        String group = role < 0 ? rest : rest.substring(0, role);
        String[] parts = group.split(":", 2);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
          continue;
        }
        facilities.add(parts[0]);
        if (parts[1].equals("staff")) {
          staff = true;
        } else {
          proposals.add(parts[0] + ":" + parts[1]);
        }
      }
    }
    Optional<String> canonical = p.claims().get("voperson_id") instanceof String v && !v.isBlank()
        ? Optional.of(v) : Optional.empty();
    return new Caller(p.subject(), staff, p.hasScope(ADMIN_SCOPE), proposals, facilities,
        Optional.ofNullable(p.clientId()), canonical);
  }
}
