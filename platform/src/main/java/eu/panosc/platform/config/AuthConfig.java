package eu.panosc.platform.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How service APIs verify bearer tokens issued by the aai-broker.
 *
 * @param issuer expected {@code iss}; defaults to {@code <publicBaseUrl>/aai}
 * @param jwksUri where the issuer's keys are; defaults to {@code <issuer>/jwks}
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
 */
public record AuthConfig(Optional<URI> issuer, Optional<URI> jwksUri, Duration clockSkew) {

  static AuthConfig from(ConfigNode n) {
    Set<String> schemes = Set.of("http", "https");
    Optional<URI> issuer = n.optionalUri("issuer", schemes);
    Optional<URI> jwks = n.optionalUri("jwksUri", schemes);
    Duration skew = n.duration("clockSkew", Duration.ofSeconds(30));
    if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new ConfigException(n.keyOf("clockSkew"), "expected a duration between 0s and 5m");
    }
    return new AuthConfig(issuer, jwks, skew);
  }

  /** The issuer to expect, given the deployment's base URL. */
  public URI issuerFor(URI baseUrl) {
    return issuer.orElseGet(() -> URI.create(baseUrl + "/aai"));
  }

  /** The JWKS location to use, given the deployment's base URL. */
  public URI jwksFor(URI baseUrl) {
    return jwksUri.orElseGet(() -> URI.create(issuerFor(baseUrl) + "/jwks"));
  }
}
