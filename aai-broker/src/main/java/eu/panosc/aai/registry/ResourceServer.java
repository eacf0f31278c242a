package eu.panosc.aai.registry;

import java.util.List;
import java.util.Objects;

/**
 * A resource server as the registry publishes it ({@code GET /registry/v1/resource-servers}): what the provider reads
 * of it.
 *
 * @param audience its audience URL (RFC 8707 resource indicator)
 * @param facility the facility that owns it, or null
 * @param scopes the scopes it accepts
 */
public record ResourceServer(String audience, String facility, List<String> scopes) {
  public ResourceServer {
    Objects.requireNonNull(audience, "audience");
    scopes = List.copyOf(scopes);
  }
}
