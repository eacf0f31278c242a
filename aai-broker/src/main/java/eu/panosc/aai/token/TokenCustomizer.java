package eu.panosc.aai.token;

import eu.panosc.aai.registry.Facility;
import eu.panosc.aai.registry.RegisteredClient;
import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Adds claims to a user's access token. Facility- or community-specific claims come only from customizers;
 * the generator ({@link AccessTokens}) sets the RFC 9068 core claims after them, so a customizer cannot
 * override {@code iss}, {@code sub}, {@code aud}, {@code exp} and the like.
 */
@FunctionalInterface
public interface TokenCustomizer {
  /**
   * What a customizer may look at: the registered client, its facility (null for a client without one or a
   * facility not approved), the grant, the user's attributes.
   */
  record Context(RegisteredClient client, Facility facility, GrantStore.Family family, JsonObject user,
      Set<String> scopes) {}

  void customize(Context context, JWTClaimsSet.Builder claims);

  /** RFC 9068 §2.2.1: how and when the user authenticated. */
  static TokenCustomizer authentication() {
    return (c, claims) -> claims.claim("auth_time", c.family().authTime().getEpochSecond())
        .claim("acr", c.family().acr()).claim("amr", c.family().amr());
  }

  /**
   * {@code voperson_id} (REFEDS / AARC: the user's federation-wide identifier, here the canonical user id) only when
   * the client's facility allows it ({@code releaseVopersonId: true} in the registry); never for a client without a
   * facility, since nobody's policy covers it.
   */
  static TokenCustomizer vopersonId() {
    return (c, claims) -> {
      if (releasesVopersonId(c.facility())) {
        claims.claim("voperson_id", c.family().userId());
      }
    };
  }

  /** Whether this facility allows releasing {@code voperson_id}; false when absent or unset. */
  static boolean releasesVopersonId(Facility facility) {
    return facility != null && facility.releaseVopersonId();
  }

  /**
   * AARC entitlements filtered to the client's facility ({@code ...:panosc:<facility>:...}); clients without a
   * facility get none. Plus the user's REFEDS assurance values.
   */
  static TokenCustomizer facilityEntitlements() {
    return (c, claims) -> {
      String facility = c.client().facility();
      if (facility != null) {
        var mine = c.user().getJsonArray("eduperson_entitlement", new io.vertx.core.json.JsonArray()).stream()
            .map(String::valueOf).filter(e -> e.contains(":panosc:" + facility + ":")).toList();
        if (!mine.isEmpty()) {
          claims.claim("eduperson_entitlement", mine);
        }
      }
      var assurance = c.user().getJsonArray("eduperson_assurance");
      if (assurance != null && !assurance.isEmpty()) {
        claims.claim("eduperson_assurance", assurance.stream().map(String::valueOf).toList());
      }
    };
  }
}
