package eu.panosc.aai.discovery;

import eu.panosc.platform.input.Input;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One way to sign in that the discovery page offers.
 *
 * @param key what the page, the remembered-choice cookie and {@code idp_hint} name it by (an upstream id, or an IdP's
 *     entity id for an IdP reached through a discovery upstream)
 * @param upstreamId the configured upstream it belongs to (what a client's {@code allowedUpstreams} lists)
 * @param displayName what the page calls it
 * @param domains words it is also found by (its domain names, organisation keywords)
 * @param startPath where the sign-in starts, relative to the provider's root (e.g. {@code saml2/sp/login}); the
 *     pending request is added as {@code req}
 * @param startParameters further query parameters of the start (e.g. {@code upstream}, {@code entity})
 * @param passwordForm whether signing in is the password form on the page itself (the demo users), not a link
 */
public record LoginUpstream(String key, String upstreamId, String displayName, List<String> domains, String startPath,
    Map<String, String> startParameters, boolean passwordForm) {
  public LoginUpstream {
    Input.id("key", key, 1024);
    Input.id("upstreamId", upstreamId, 63);
    Input.text("displayName", displayName, 256, true);
    domains = List.copyOf(domains);
    Objects.requireNonNull(startPath, "startPath");
    startParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(startParameters));
  }

  /** Whether {@code lowerNeedle} (lower case) is part of its name, key or one of its domains. */
  public boolean matches(String lowerNeedle) {
    if (lowerNeedle.isEmpty()) {
      return true;
    }
    if (displayName.toLowerCase(Locale.ROOT).contains(lowerNeedle)
        || key.toLowerCase(Locale.ROOT).contains(lowerNeedle)) {
      return true;
    }
    return domains.stream().anyMatch(d -> d.toLowerCase(Locale.ROOT).contains(lowerNeedle));
  }

  /** The start URL relative to the provider's root, for the pending request {@code pendingId}. */
  public String start(String pendingId) {
    StringBuilder url = new StringBuilder(startPath).append("?req=").append(enc(pendingId));
    startParameters.forEach((k, v) -> url.append('&').append(enc(k)).append('=').append(enc(v)));
    return url.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
