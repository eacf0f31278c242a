package eu.panosc.aai.oidc;

import eu.panosc.aai.attributes.identity.UserIdSource;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A ready-made upstream OP ({@code services.aai.upstreams.<id>.oidc.profile}): its issuer, what the login page calls
 * it, the scopes that release its claims, the community identifier used as the user key, the entitlement authorities
 * trusted, and whether its sessions are ended with it (RP-initiated logout). Everything can still be overridden; only
 * {@code clientId} and the client secret (or {@code private_key_jwt}) are left to fill in.
 *
 * @see <a href="https://wiki.geant.org/display/eduTEAMS/Registering+services+on+the+eduTEAMS+Service">eduTEAMS</a>
 * @see <a href="https://wiki.geant.org/display/MyAccessID/MyAccessID+Home">MyAccessID</a>
 */
public enum OidcProfile {
  /** GÉANT's eduTEAMS membership proxy: the CUID in {@code voperson_id} (else {@code sub}), community entitlements. */
  EDUTEAMS(URI.create("https://proxy.eduteams.org"), "eduTEAMS",
      List.of("openid", "profile", "email", "eduperson_entitlement", "voperson_id", "eduperson_assurance"),
      List.of(UserIdSource.VOPERSON_ID, UserIdSource.OIDC_SUB), Set.of("eduteams.org")),
  /** GÉANT's MyAccessID, the identity layer of the EOSC nodes: its community id in {@code voperson_id} / {@code sub}. */
  MYACCESSID(URI.create("https://proxy.myaccessid.org"), "MyAccessID",
      List.of("openid", "profile", "email", "eduperson_entitlement", "voperson_id", "eduperson_assurance"),
      List.of(UserIdSource.VOPERSON_ID, UserIdSource.OIDC_SUB), Set.of("myaccessid.org", "eduteams.org"));

  private final URI issuer;
  private final String displayName;
  private final List<String> scopes;
  private final List<UserIdSource> userId;
  private final Set<String> entitlementAuthorities;

  OidcProfile(URI issuer, String displayName, List<String> scopes, List<UserIdSource> userId,
      Set<String> entitlementAuthorities) {
    this.issuer = issuer;
    this.displayName = displayName;
    this.scopes = scopes;
    this.userId = userId;
    this.entitlementAuthorities = entitlementAuthorities;
  }

  public URI issuer() {
    return issuer;
  }

  public String displayName() {
    return displayName;
  }

  public List<String> scopes() {
    return scopes;
  }

  /** The community identifier first, {@code sub} second; never e-mail. */
  public List<UserIdSource> userId() {
    return userId;
  }

  public Set<String> entitlementAuthorities() {
    return entitlementAuthorities;
  }

  /** The configuration name, e.g. {@code eduteams}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The profile called {@code name} in configuration, if any. */
  public static Optional<OidcProfile> byName(String name) {
    for (OidcProfile p : values()) {
      if (p.configName().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
