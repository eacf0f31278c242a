package eu.panosc.keycloak.registration;

import java.net.URI;
import java.util.function.Function;

/** Server-wide settings ({@code --spi-realm-restapi-extension--panosc--<key>}); all unset = not configured. */
public record RegistrationSettings(URI registryUrl, URI tokenEndpoint, String clientId, String clientSecret,
    String scope, String facility) {

  /** Null when {@code registry-url} is unset; throws naming the key when the rest is incomplete or malformed. */
  public static RegistrationSettings read(Function<String, String> get) {
    String url = get.apply("registry-url");
    if (url == null || url.isBlank()) {
      return null;
    }
    for (String key : new String[] {"token-endpoint", "client-id", "client-secret", "facility"}) {
      String v = get.apply(key);
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("panosc registration: registry-url needs " + key
            + " (token-endpoint, client-id, client-secret of a client with scope registry:admin, and facility)");
      }
    }
    String scope = get.apply("scope");
    return new RegistrationSettings(uri("registry-url", url), uri("token-endpoint", get.apply("token-endpoint")),
        get.apply("client-id").trim(), get.apply("client-secret"),
        scope == null || scope.isBlank() ? "registry:admin" : scope.trim(), get.apply("facility").trim());
  }

  private static URI uri(String key, String v) {
    try {
      URI u = new URI(v.trim());
      if (u.isAbsolute() && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // fall through
    }
    throw new IllegalArgumentException("panosc registration: " + key + " must be an absolute http(s) URL, not " + v);
  }

  @Override
  public String toString() {
    return "RegistrationSettings[registryUrl=" + registryUrl + ", clientId=" + clientId + ", facility=" + facility
        + "]"; // never the secret
  }
}
