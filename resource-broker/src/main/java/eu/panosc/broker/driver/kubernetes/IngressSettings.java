package eu.panosc.broker.driver.kubernetes;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How a cluster exposes sessions through its ingress controller: one Ingress per session on {@code host}, path
 * {@code <pathPrefix><session>/} (by default the broker's own proxy layout {@code /broker/s/<id>/}, so the broker's
 * launch-link cookie applies when the Ingress shares the broker's host), the broker's forward-auth at
 * {@code authUrl} (ingress-nginx annotations), optionally TLS with {@code tlsSecret} and an ingress class.
 */
public record IngressSettings(String host, String pathPrefix, URI authUrl, Optional<String> className,
    Optional<String> tlsSecret) {
  public IngressSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(authUrl, "authUrl");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(tlsSecret, "tlsSecret");
    if (!pathPrefix.startsWith("/") || !pathPrefix.endsWith("/")) {
      throw new IllegalArgumentException("pathPrefix must start and end with '/'");
    }
  }

  /** The session's path on {@link #host}. */
  public String path(String sessionId) {
    return pathPrefix + sessionId + "/";
  }
}
