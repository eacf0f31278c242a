package eu.panosc.platform.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings for verifying JWT access tokens: expected issuer and audiences, where the signing keys live,
 * and how tolerant and how cached verification is. {@code null} durations and types take the defaults.
 *
 * @param issuer exact {@code iss} value tokens must carry
 * @param audiences the token {@code aud} must contain at least one of these
 * @param jwksUri absolute http(s) URI of the issuer's JWK Set
 * @param clockSkew tolerance applied to {@code exp}, {@code nbf} and {@code iat} (default 30 s)
 * @param acceptedTypes accepted {@code typ} header values, compared case-insensitively with an optional
 *     {@code application/} prefix (default {@code at+jwt})
 * @param jwksCacheTtl how long a fetched JWK Set is trusted (default 10 min)
 * @param jwksMinRefreshInterval minimum time between two JWKS fetches triggered by unknown key ids (default 10 s)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4: Validating JWT Access Tokens</a>
 */
public record BearerAuthConfig(
    String issuer,
    Set<String> audiences,
    URI jwksUri,
    Duration clockSkew,
    Set<String> acceptedTypes,
    Duration jwksCacheTtl,
    Duration jwksMinRefreshInterval) {

  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  public static final Set<String> DEFAULT_ACCEPTED_TYPES = Set.of("at+jwt");
  public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(10);

  public BearerAuthConfig {
    Objects.requireNonNull(issuer, "auth.issuer is required");
    if (issuer.isBlank()) {
      throw new IllegalArgumentException("auth.issuer must not be blank; set it to the OIDC provider's issuer URL");
    }
    Objects.requireNonNull(audiences, "auth.audiences is required");
    if (audiences.isEmpty() || audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
      throw new IllegalArgumentException("auth.audiences must list at least one non-blank audience");
    }
    audiences = Set.copyOf(audiences);
    Objects.requireNonNull(jwksUri, "auth.jwksUri is required");
    String scheme = jwksUri.getScheme() == null ? "" : jwksUri.getScheme().toLowerCase(Locale.ROOT);
    if (!jwksUri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || jwksUri.getHost() == null) {
      throw new IllegalArgumentException(
          "auth.jwksUri must be an absolute https (or http) URI with a host, got: " + jwksUri);
    }
    clockSkew = nonNegative(clockSkew, DEFAULT_CLOCK_SKEW, "auth.clockSkew");
    jwksCacheTtl = positive(jwksCacheTtl, DEFAULT_JWKS_CACHE_TTL, "auth.jwksCacheTtl");
    jwksMinRefreshInterval =
        nonNegative(jwksMinRefreshInterval, DEFAULT_JWKS_MIN_REFRESH_INTERVAL, "auth.jwksMinRefreshInterval");
    acceptedTypes = acceptedTypes == null ? DEFAULT_ACCEPTED_TYPES : normalizeTypes(acceptedTypes);
  }

  /** Config with the given issuer, audiences and JWKS location and every other setting at its default. */
  public BearerAuthConfig(String issuer, Set<String> audiences, URI jwksUri) {
    this(issuer, audiences, jwksUri, null, null, null, null);
  }

  /** Returns this config with another clock skew. */
  public BearerAuthConfig withClockSkew(Duration skew) {
    return new BearerAuthConfig(issuer, audiences, jwksUri, skew, acceptedTypes, jwksCacheTtl, jwksMinRefreshInterval);
  }

  /** Returns this config with other JWKS cache settings. */
  public BearerAuthConfig withJwksCaching(Duration ttl, Duration minRefreshInterval) {
    return new BearerAuthConfig(issuer, audiences, jwksUri, clockSkew, acceptedTypes, ttl, minRefreshInterval);
  }

  /** Whether a {@code typ} header value is accepted (case-insensitive, {@code application/} prefix optional). */
  public boolean acceptsType(String typ) {
    return typ != null && acceptedTypes.contains(normalizeType(typ));
  }

  static String normalizeType(String typ) {
    String t = typ.trim().toLowerCase(Locale.ROOT);
    return t.startsWith("application/") ? t.substring("application/".length()) : t;
  }

  private static Set<String> normalizeTypes(Set<String> types) {
    if (types.isEmpty() || types.stream().anyMatch(t -> t == null || t.isBlank())) {
      throw new IllegalArgumentException("auth.acceptedTypes must list at least one non-blank type, e.g. at+jwt");
    }
    return types.stream().map(BearerAuthConfig::normalizeType).collect(Collectors.toUnmodifiableSet());
  }

  private static Duration nonNegative(Duration value, Duration fallback, String key) {
    Duration d = value == null ? fallback : value;
    if (d.isNegative()) {
      throw new IllegalArgumentException(key + " must not be negative, got: " + d);
    }
    return d;
  }

  private static Duration positive(Duration value, Duration fallback, String key) {
    Duration d = nonNegative(value, fallback, key);
    if (d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got: " + d);
    }
    return d;
  }
}
