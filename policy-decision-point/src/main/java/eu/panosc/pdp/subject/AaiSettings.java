package eu.panosc.pdp.subject;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code services.pdp.aai}: how the PDP reaches the aai-broker's subject resolution. Without client
 * credentials (and outside demo mode) pairwise subjects cannot be resolved, and requests that carry one
 * are denied with that reason.
 *
 * @param tokenEndpoint where to get a client_credentials token; default {@code <auth issuer>/token}
 * @param resolveEndpoint the aai-broker's {@code POST /aai/v1/resolve}; default {@code <publicBaseUrl>/aai/v1/resolve}
 * @param clientId a client registered for {@code client_credentials} with scope {@code aai:resolve}; demo: {@code pdp-admin}
 * @param clientSecret its secret ({@code client_secret_basic}); demo: {@code pdp-admin-demo-secret}
 * @param cacheTtl how long a resolved pairwise id is remembered
 * @param negativeTtl how long an unknown pairwise id is remembered
 * @param cacheSize most pairwise ids remembered (least recently used are dropped)
 * @param timeout how long one call to the aai-broker may take
 */
public record AaiSettings(URI tokenEndpoint, URI resolveEndpoint, Optional<String> clientId,
    Optional<String> clientSecret, Duration cacheTtl, Duration negativeTtl, int cacheSize, Duration timeout) {
  /** The demo client of {@code docs/demo.md}. */
  public static final String DEMO_CLIENT = "pdp-admin";
  public static final String DEMO_SECRET = "pdp-admin-demo-secret";

  @Override
  public String toString() {
    return "AaiSettings[tokenEndpoint=" + tokenEndpoint + ", resolveEndpoint=" + resolveEndpoint + ", clientId="
        + clientId.orElse("(none)") + ", clientSecret=" + (clientSecret.isPresent() ? "(set)" : "(none)") + "]";
  }

  /** True when client credentials are configured. */
  public boolean enabled() {
    return clientId.isPresent() && clientSecret.isPresent();
  }

  /**
   * Reads the section; {@code issuer} is the auth issuer, {@code publicRoot} the deployment's base URL,
   * {@code demo} whether the demo client is the default.
   */
  public static AaiSettings from(ConfigNode node, URI issuer, URI publicRoot, boolean demo) {
    Set<String> schemes = Set.of("http", "https");
    String root = publicRoot.toString().replaceAll("/+$", "");
    URI token = node.optionalUri("tokenEndpoint", schemes)
        .orElseGet(() -> URI.create(issuer.toString().replaceAll("/+$", "") + "/token"));
    URI resolve = node.optionalUri("resolveEndpoint", schemes).orElseGet(() -> URI.create(root + "/aai/v1/resolve"));
    Optional<String> id = node.optionalString("clientId").filter(s -> !s.isBlank());
    Optional<String> secret = node.optionalString("clientSecret").filter(s -> !s.isBlank());
    if (id.isPresent() != secret.isPresent()) {
      throw new ConfigException(node.path() + (id.isPresent() ? ".clientSecret" : ".clientId"),
          "set both clientId and clientSecret (a client with scope aai:resolve), or neither");
    }
    if (id.isEmpty() && demo) {
      id = Optional.of(DEMO_CLIENT);
      secret = Optional.of(DEMO_SECRET);
    }
    Duration ttl = positive(node, "cacheTtl", Duration.ofMinutes(10));
    Duration negative = positive(node, "negativeTtl", Duration.ofSeconds(30));
    int size = node.integer("cacheSize", 100_000, 1, 10_000_000);
    Duration timeout = positive(node, "timeout", Duration.ofSeconds(2));
    return new AaiSettings(token, resolve, id, secret, ttl, negative, size, timeout);
  }

  private static Duration positive(ConfigNode node, String key, Duration fallback) {
    Duration d = node.duration(key, fallback);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(node.path() + "." + key, "expected a positive duration such as "
          + fallback.toSeconds() + "s");
    }
    return d;
  }
}
