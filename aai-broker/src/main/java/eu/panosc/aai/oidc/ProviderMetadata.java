package eu.panosc.aai.oidc;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What the broker uses of an upstream OP's discovery document: its endpoints. The document's {@code issuer} must equal
 * the configured one exactly, and every endpoint be https (plain http only on a loopback OP used in tests).
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">OIDC Discovery §3</a>
 */
public record ProviderMetadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint,
    Optional<URI> userinfoEndpoint, URI jwksUri, Optional<URI> endSessionEndpoint,
    Optional<URI> introspectionEndpoint) {
  public ProviderMetadata {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(userinfoEndpoint, "userinfoEndpoint");
    Objects.requireNonNull(jwksUri, "jwksUri");
    Objects.requireNonNull(endSessionEndpoint, "endSessionEndpoint");
    Objects.requireNonNull(introspectionEndpoint, "introspectionEndpoint");
  }

  /**
   * The OP's {@code client_registration_types_supported} (OpenID Federation 1.0 §5.1.3) in {@code doc}; empty when
   * absent or not an array of strings.
   */
  public static java.util.Set<String> clientRegistrationTypes(JsonObject doc) {
    Object v = doc.getValue("client_registration_types_supported");
    if (!(v instanceof io.vertx.core.json.JsonArray a)) {
      return java.util.Set.of();
    }
    java.util.Set<String> out = new java.util.HashSet<>();
    a.forEach(x -> {
      if (x instanceof String t) {
        out.add(t);
      }
    });
    return java.util.Set.copyOf(out);
  }

  /**
   * Reads {@code doc} fetched for {@code expectedIssuer}.
   *
   * @throws IllegalArgumentException saying what is wrong (for the operator's log)
   */
  public static ProviderMetadata parse(JsonObject doc, String expectedIssuer) {
    Object iss = doc.getValue("issuer");
    if (!(iss instanceof String s) || !s.equals(expectedIssuer)) {
      // OIDC Discovery §4.3: the issuer in the document MUST be identical to the one it was fetched for
      throw new IllegalArgumentException("its issuer " + printable(String.valueOf(iss)) + " is not the configured "
          + expectedIssuer);
    }
    boolean loopback = isLoopback(URI.create(expectedIssuer));
    return new ProviderMetadata(s, endpoint(doc, "authorization_endpoint", loopback).orElseThrow(() -> missing(
        "authorization_endpoint")), endpoint(doc, "token_endpoint", loopback).orElseThrow(() -> missing(
        "token_endpoint")), endpoint(doc, "userinfo_endpoint", loopback), endpoint(doc, "jwks_uri", loopback)
        .orElseThrow(() -> missing("jwks_uri")), endpoint(doc, "end_session_endpoint", loopback),
        endpoint(doc, "introspection_endpoint", loopback));
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException("it has no " + name);
  }

  private static Optional<URI> endpoint(JsonObject doc, String name, boolean loopbackIssuer) {
    Object v = doc.getValue(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s) || s.length() > 2048) {
      throw new IllegalArgumentException(name + " is not a URL");
    }
    URI u;
    try {
      u = new URI(s);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URL");
    }
    if (u.getHost() == null || u.getRawFragment() != null || !("https".equals(u.getScheme())
        || "http".equals(u.getScheme()) && loopbackIssuer && isLoopback(u))) {
      throw new IllegalArgumentException(name + " " + printable(s) + " is not an https URL");
    }
    return Optional.of(u);
  }

  static boolean isLoopback(URI u) {
    String h = u.getHost();
    return "127.0.0.1".equals(h) || "[::1]".equals(h) || "localhost".equals(h);
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
