package eu.panosc.aai.token;

import eu.panosc.aai.registry.RegisteredClient;
import eu.panosc.aai.protocol.OAuthError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Maps service scopes to the audience of the service that enforces them: {@code pdp:evaluate} →
 * {@code <base>/pdp}, {@code registry:admin} → {@code <base>/registry}, and so on. Scopes without a
 * known service prefix (openid, profile, ...) have no audience.
 */
public final class ServiceAudiences {
  static final Set<String> SERVICES = Set.of("registry", "aai", "pdp", "broker", "accounting");

  private final String base;

  public ServiceAudiences(String publicBaseUrl) {
    this.base = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl").replaceAll("/+$", "");
  }

  public Optional<String> audienceOf(String scope) {
    int colon = scope.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String service = scope.substring(0, colon);
    return SERVICES.contains(service) ? Optional.of(base + "/" + service) : Optional.empty();
  }

  /** Whether {@code audience} is one of the control plane's services, e.g. {@code <base>/pdp}. */
  public boolean isServiceAudience(String audience) {
    return SERVICES.stream().anyMatch(s -> audience.equals(base + "/" + s));
  }

  public boolean isServiceScope(String scope) {
    return audienceOf(scope).isPresent();
  }

  /** The distinct audiences of {@code scopes}, in order. */
  public List<String> audiencesOf(Set<String> scopes) {
    Set<String> out = new LinkedHashSet<>();
    scopes.stream().sorted().forEach(s -> audienceOf(s).ifPresent(out::add));
    return List.copyOf(out);
  }

  /**
   * The audiences of a user's access token (code and device flows): the RFC 8707 {@code resource} values
   * (each must be the client's registered audience or a control-plane service, else {@code invalid_target}),
   * else the client's audience and the services of its service scopes, else the provider itself.
   */
  public List<String> forUser(RegisteredClient client, Set<String> scopes, List<String> resources) {
    String registered = client.audience();
    if (!resources.isEmpty()) {
      for (String r : resources) {
        if (!r.equals(registered) && !isServiceAudience(r)) {
          throw OAuthError.invalidTarget("resource " + r + " is not a resource server this client may ask for");
        }
      }
      return List.copyOf(new LinkedHashSet<>(resources));
    }
    List<String> out = new ArrayList<>();
    if (registered != null) {
      out.add(registered);
    }
    out.addAll(audiencesOf(scopes));
    return out.isEmpty() ? List.of(audienceOf("aai:userinfo").orElseThrow()) : out;
  }
}
