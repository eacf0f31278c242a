package eu.panosc.pdp.mesh;

import eu.panosc.platform.mesh.RouteRule;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One approved resource server of the registry as the forward-auth sees it: its audience (the registry id, what
 * its tokens' {@code aud} must hold), its facility, the host (with port when not the scheme's default) gateways
 * may send as {@code Host}/{@code X-Forwarded-Host}, and its route rules in order.
 */
public record MeshService(String audience, String facility, String host, List<RouteRule> rules) {
  public MeshService {
    Objects.requireNonNull(audience, "audience");
    rules = List.copyOf(rules);
  }

  /** The authority of an audience URL in lower case, without the scheme's default port. */
  static String hostOf(String audience) {
    URI u = URI.create(audience);
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    int port = u.getPort();
    boolean standard = port < 0 || ("https".equals(u.getScheme()) && port == 443)
        || ("http".equals(u.getScheme()) && port == 80);
    return standard ? host : host + ":" + port;
  }
}
