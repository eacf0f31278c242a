package eu.panosc.aai.authorize;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a requested {@code redirect_uri} is one the client registered: exactly the same string (RFC 6749
 * §3.1.2.3, RFC 9700 §2.1), or, for a registered loopback URI of a native app ({@code http} with the literal
 * {@code 127.0.0.1} or {@code [::1]}), the same URI on any port (RFC 8252 §7.3: the app listens on an ephemeral
 * port). Never for other hosts, {@code localhost} included (RFC 8252 §8.3 recommends the IP literals).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 §7.3</a>
 */
final class RedirectUris {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]");

  private RedirectUris() {}

  static boolean registered(List<String> registered, String requested) {
    if (requested == null) {
      return false;
    }
    if (registered.contains(requested)) {
      return true;
    }
    URI asked = loopback(requested);
    return asked != null && registered.stream().map(RedirectUris::loopback).filter(Objects::nonNull)
        .anyMatch(r -> r.getHost().equals(asked.getHost()) && Objects.equals(r.getRawPath(), asked.getRawPath())
            && Objects.equals(r.getRawQuery(), asked.getRawQuery()));
  }

  /** {@code uri} when it is an http loopback URI without user info or fragment, else null. */
  private static URI loopback(String uri) {
    try {
      URI u = new URI(uri);
      return "http".equals(u.getScheme()) && u.getHost() != null && LOOPBACK.contains(u.getHost())
          && u.getRawUserInfo() == null && u.getRawFragment() == null ? u : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
