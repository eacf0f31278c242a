package eu.panosc.aai.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import eu.panosc.aai.attributes.UpstreamAttributeSettings;
import eu.panosc.aai.federation.trust.TrustChainResolver;
import eu.panosc.aai.attributes.UpstreamAttributes;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code services.aai.upstreams.<id>.oidc} section: one upstream OpenID provider the broker signs people in
 * through, as a relying party (a ready {@link OidcProfile} or everything given). Read and checked at start.
 *
 * @param upstreamId the upstream's configuration id
 * @param profile the ready profile it starts from, if any
 * @param issuer the OP's issuer; its discovery document is {@code <issuer>/.well-known/openid-configuration}
 * @param clientId the broker's client id at the OP
 * @param clientSecret the secret for {@code client_secret_basic} / {@code client_secret_post}
 * @param clientAuth how the broker authenticates at the OP's token endpoint
 * @param scopes the scopes asked for ({@code openid} always among them)
 * @param displayName what the login page calls it
 * @param algorithms the ID token signature algorithms accepted (never {@code none}, never HMAC)
 * @param skew clock skew allowed for {@code exp}, {@code iat}
 * @param maxAge how old an ID token's {@code iat} may be
 * @param userinfo whether the userinfo endpoint is asked too (its claims merged; its {@code sub} must match)
 * @param logout whether a broker logout also ends the session at the OP (RP-initiated logout, when it has an
 *     {@code end_session_endpoint})
 * @param exchangeAudiences for RFC 8693 exchange of this OP's access tokens: the token's {@code aud} must contain one
 *     of these, or its {@code azp} be one (default: the broker's client id); empty list in config: no exchange
 * @param tokenExchange whether this OP's access tokens may be exchanged at all
 * @param introspection whether opaque (non-JWT) subject tokens are checked at this OP's RFC 7662
 *     {@code introspection_endpoint} (client authentication as at its token endpoint); off by default, because an
 *     opaque token does not say who issued it and is sent to each OP that has this on, in configuration order
 * @param timeout how long a request to the OP may take
 * @param discoveryRefresh how long a discovery document and JWKS are used before they are fetched again
 * @param jwksRefetch the least time between two JWKS fetches caused by an unknown {@code kid}
 * @param trustAnchor when the OP is trusted through OpenID Federation: the trust anchor its issuer (its Entity
 *     Identifier) is resolved to; its metadata then comes from the trust chain, not from discovery
 * @param automaticRegistration whether the broker registers itself at the OP automatically (OpenID Federation 1.0
 *     §12.1): its client id is then its own Entity Identifier and its authorization requests are signed request objects
 */
public record OidcUpstreamSettings(String upstreamId, Optional<OidcProfile> profile, URI issuer, String clientId,
    Optional<Secret> clientSecret, ClientAuth clientAuth, List<String> scopes, String displayName,
    Set<JWSAlgorithm> algorithms, Duration skew, Duration maxAge, boolean userinfo, boolean logout,
    Set<String> exchangeAudiences, boolean tokenExchange, boolean introspection, Duration timeout,
    Duration discoveryRefresh, Duration jwksRefetch, Optional<TrustChainResolver.TrustAnchor> trustAnchor,
    boolean automaticRegistration) {

  /** How the broker authenticates at the OP's token endpoint (OIDC Core §9). */
  public enum ClientAuth {
    CLIENT_SECRET_BASIC("client_secret_basic"), CLIENT_SECRET_POST("client_secret_post"),
    PRIVATE_KEY_JWT("private_key_jwt");

    private final String configName;

    ClientAuth(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }
  }

  /** Asymmetric algorithms only: HMAC would need a shared secret as key, {@code none} has no signature. */
  public static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  public static final Set<JWSAlgorithm> DEFAULT_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256,
      JWSAlgorithm.ES256);

  public OidcUpstreamSettings {
    Objects.requireNonNull(upstreamId, "upstreamId");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(clientAuth, "clientAuth");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(displayName, "displayName");
    algorithms = Set.copyOf(algorithms);
    Objects.requireNonNull(skew, "skew");
    Objects.requireNonNull(maxAge, "maxAge");
    exchangeAudiences = Set.copyOf(exchangeAudiences);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(discoveryRefresh, "discoveryRefresh");
    Objects.requireNonNull(jwksRefetch, "jwksRefetch");
    Objects.requireNonNull(trustAnchor, "trustAnchor");
  }

  /** The issuer as it must appear in {@code iss} (exactly the configured string). */
  public String issuerId() {
    return issuer.toString();
  }

  /**
   * Reads {@code node} (the {@code oidc} section of upstream {@code upstreamId}).
   *
   * @throws ConfigException naming the first key that is missing, malformed or out of bounds
   */
  public static OidcUpstreamSettings from(String upstreamId, ConfigNode node) {
    Optional<OidcProfile> profile = node.optionalString("profile").map(name -> OidcProfile.byName(name)
        .orElseThrow(() -> new ConfigException(node.path() + ".profile", "expected eduteams or myaccessid, got '"
            + name + "'")));
    URI issuer = node.optionalUri("issuer", Set.of("http", "https")).or(() -> profile.map(OidcProfile::issuer))
        .orElseThrow(() -> new ConfigException(node.path() + ".issuer", "the OP's issuer is required (or a profile: "
            + "eduteams, myaccessid)"));
    if (issuer.getRawQuery() != null || issuer.getRawFragment() != null || issuer.getHost() == null) {
      throw new ConfigException(node.path() + ".issuer", "expected an https URL without query or fragment, got "
          + issuer);
    }
    if ("http".equals(issuer.getScheme()) && !loopback(issuer.getHost())) {
      // OIDC Core §3.1.3.7 / Discovery §4.3: the issuer is https (plain http only for a local test OP)
      throw new ConfigException(node.path() + ".issuer", "expected https (plain http only on 127.0.0.1, [::1] or "
          + "localhost), got " + issuer);
    }
    boolean automatic = switch (node.string("registration", "none")) {
      case "none" -> false;
      case "automatic" -> true;
      default -> throw new ConfigException(node.path() + ".registration", "expected none (the broker's client is "
          + "registered at the OP by hand) or automatic (OpenID Federation automatic registration)");
    };
    if (automatic) {
      if (!node.has("trustAnchor")) {
        throw new ConfigException(node.path() + ".registration", "automatic registration needs a trustAnchor (the OP "
            + "resolves the broker's trust chain to it)");
      }
      if (node.has("clientId") || node.has("clientSecret")
          || !"private_key_jwt".equals(node.string("clientAuth", "private_key_jwt"))) {
        throw new ConfigException(node.path() + ".registration", "with automatic registration the client id is the "
            + "broker's Entity Identifier and it authenticates with private_key_jwt: leave out clientId, clientSecret "
            + "and clientAuth");
      }
    }
    String clientId = automatic ? "" : node.optionalString("clientId").orElseThrow(() -> new ConfigException(
        node.path() + ".clientId", "the broker's client id at the OP is required"));
    if (!automatic && (clientId.isBlank() || clientId.length() > 255
        || clientId.chars().anyMatch(Character::isISOControl))) {
      throw new ConfigException(node.path() + ".clientId", "expected 1 to 255 printable characters");
    }
    Optional<Secret> secret = node.optionalString("clientSecret").map(Secret::new);
    ClientAuth auth = switch (node.string("clientAuth", secret.isPresent() ? "client_secret_basic"
        : "private_key_jwt")) {
      case "client_secret_basic" -> ClientAuth.CLIENT_SECRET_BASIC;
      case "client_secret_post" -> ClientAuth.CLIENT_SECRET_POST;
      case "private_key_jwt" -> ClientAuth.PRIVATE_KEY_JWT;
      default -> throw new ConfigException(node.path() + ".clientAuth", "expected client_secret_basic, "
          + "client_secret_post or private_key_jwt");
    };
    if (auth != ClientAuth.PRIVATE_KEY_JWT && secret.map(s -> s.value().isBlank()).orElse(true)) {
      throw new ConfigException(node.path() + ".clientSecret", "required for " + auth.configName()
          + " (or use clientAuth: private_key_jwt, the broker's own keys at <issuer>/jwks)");
    }
    // a list, or one value in OAuth's scope syntax (space-separated)
    List<String> scopes = new ArrayList<>();
    for (String entry : node.stringList("scopes")) {
      for (String s : entry.strip().split(" +")) {
        if (!s.isEmpty() && !scopes.contains(s)) {
          scopes.add(s);
        }
      }
    }
    if (scopes.isEmpty()) {
      scopes.addAll(profile.map(OidcProfile::scopes).orElse(List.of("openid", "profile", "email")));
    }
    if (!scopes.contains("openid")) {
      scopes.add(0, "openid");
    }
    for (String s : scopes) {
      if (s.isEmpty() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
        throw new ConfigException(node.path() + ".scopes", "a scope is printable ASCII without spaces, got '" + s
            + "'");
      }
    }
    String displayName = node.optionalString("displayName").or(() -> profile.map(OidcProfile::displayName))
        .orElse(issuer.getHost());
    Set<JWSAlgorithm> algs = new LinkedHashSet<>();
    for (String a : node.stringList("algorithms")) {
      JWSAlgorithm alg = JWSAlgorithm.parse(a);
      if (!ASYMMETRIC.contains(alg)) {
        throw new ConfigException(node.path() + ".algorithms", "only asymmetric signature algorithms (RS256, PS256, "
            + "ES256, ...) are accepted, got '" + a + "'");
      }
      algs.add(alg);
    }
    List<String> exchange = node.has("exchangeAudiences") ? node.stringList("exchangeAudiences") : List.of(clientId);
    if (node.bool("introspection", false) && (exchange.isEmpty() || !node.bool("tokenExchange", true))) {
      throw new ConfigException(node.path() + ".introspection", "introspection checks subject tokens of token "
          + "exchange, which is off for this upstream (tokenExchange: false or exchangeAudiences empty)");
    }
    OidcUpstreamSettings s = new OidcUpstreamSettings(upstreamId, profile, issuer, clientId, secret, auth, scopes,
        displayName, algs.isEmpty() ? DEFAULT_ALGORITHMS : algs,
        between(node, "skew", Duration.ofMinutes(2), Duration.ZERO, Duration.ofMinutes(10)),
        between(node, "maxAge", Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1)),
        node.bool("userinfo", true), node.bool("logout", true), Set.copyOf(exchange),
        node.bool("tokenExchange", !exchange.isEmpty()), node.bool("introspection", false),
        between(node, "timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(1)),
        between(node, "discoveryRefresh", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7)),
        between(node, "jwksRefetch", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1)),
        trustAnchor(node, issuer), automatic);
    return s;
  }

  /**
   * An upstream OP registered in the federation-registry (not configured): the defaults of a configured one, its
   * {@code scopes} (or {@code openid profile email}), and no token exchange of its access tokens (that is configured).
   *
   * @throws IllegalArgumentException naming what is wrong (an issuer that is not https, a client id that is not text)
   */
  public static OidcUpstreamSettings registered(String upstreamId, URI issuer, String clientId,
      Optional<Secret> clientSecret, ClientAuth clientAuth, List<String> scopes, Optional<String> displayName,
      Optional<URI> trustAnchor) {
    if (issuer.getRawQuery() != null || issuer.getRawFragment() != null || issuer.getHost() == null
        || !("https".equals(issuer.getScheme()) || "http".equals(issuer.getScheme()) && loopback(issuer.getHost()))) {
      throw new IllegalArgumentException("its issuer is not an https URL without query or fragment");
    }
    if (clientId.isBlank() || clientId.length() > 255 || clientId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("its clientId is not 1 to 255 printable characters");
    }
    if (clientAuth != ClientAuth.PRIVATE_KEY_JWT && clientSecret.map(x -> x.value().isBlank()).orElse(true)) {
      throw new IllegalArgumentException("it has no client secret for " + clientAuth.configName());
    }
    List<String> all = new ArrayList<>(scopes.isEmpty() ? List.of("openid", "profile", "email") : scopes);
    if (!all.contains("openid")) {
      all.add(0, "openid");
    }
    return new OidcUpstreamSettings(upstreamId, Optional.empty(), issuer, clientId, clientSecret, clientAuth,
        List.copyOf(new LinkedHashSet<>(all)), displayName.orElse(issuer.getHost()), DEFAULT_ALGORITHMS,
        Duration.ofMinutes(2), Duration.ofMinutes(10), true, true, Set.of(), false, false, Duration.ofSeconds(10),
        Duration.ofHours(1), Duration.ofMinutes(1), trustAnchor.map(t -> new TrustChainResolver.TrustAnchor(
            t.toString().replaceAll("/+$", ""), Optional.empty())), false);
  }

  /** These settings with the client id {@code id} (automatic registration: the broker's Entity Identifier). */
  public OidcUpstreamSettings withClientId(String id) {
    return new OidcUpstreamSettings(upstreamId, profile, issuer, id, clientSecret, clientAuth, scopes, displayName,
        algorithms, skew, maxAge, userinfo, logout, exchangeAudiences.isEmpty() || !exchangeAudiences.contains(clientId)
            ? exchangeAudiences : Set.of(id), tokenExchange, introspection, timeout, discoveryRefresh, jwksRefetch,
        trustAnchor, automaticRegistration);
  }

  /** The client authentication named {@code name} in configuration and the registry. */
  public static Optional<ClientAuth> clientAuth(String name) {
    for (ClientAuth a : ClientAuth.values()) {
      if (a.configName().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /**
   * The upstream's attribute settings with this OP's defaults where the {@code attributes} section gave none: the OIDC
   * profile of the internal map, the profile's user-id order and entitlement authorities.
   */
  public UpstreamAttributeSettings attributes(UpstreamAttributeSettings given, boolean protocolGiven,
      boolean userIdGiven) {
    if (protocolGiven && given.protocol() != UpstreamAttributes.Protocol.OIDC) {
      throw new ConfigException("services.aai.upstreams." + upstreamId + ".attributes.protocol",
          "an upstream with an oidc section reads claims: protocol is oidc (or leave it out)");
    }
    return new UpstreamAttributeSettings(given.upstreamId(), UpstreamAttributes.Protocol.OIDC,
        given.internalAttributes(), given.samlAttributeMaps(), given.processors(), given.required(),
        userIdGiven ? given.userId() : profile.map(OidcProfile::userId)
            .orElse(UpstreamAttributeSettings.OIDC_DEFAULT_ORDER),
        given.trustedEntitlementAuthorities().isEmpty() ? profile.map(OidcProfile::entitlementAuthorities)
            .orElse(Set.of()) : given.trustedEntitlementAuthorities(), given.hashSalt(), given.identity());
  }

  /**
   * {@code trustAnchor} (an Entity Identifier other than the issuer) and {@code trustAnchorJwks} (a JWK Set file with
   * the anchor's Federation Entity Keys, obtained out of band; without it the anchor's own configuration's keys).
   */
  private static Optional<TrustChainResolver.TrustAnchor> trustAnchor(ConfigNode node, URI issuer) {
    Optional<URI> anchor = node.optionalUri("trustAnchor", Set.of("http", "https"));
    Optional<String> jwksFile = node.optionalString("trustAnchorJwks");
    if (anchor.isEmpty()) {
      if (jwksFile.isPresent()) {
        throw new ConfigException(node.path() + ".trustAnchorJwks", "only with trustAnchor");
      }
      return Optional.empty();
    }
    URI ta = anchor.get();
    if (ta.getRawQuery() != null || ta.getRawFragment() != null || ta.getHost() == null || ta.equals(issuer)
        || "http".equals(ta.getScheme()) && !loopback(ta.getHost())) {
      throw new ConfigException(node.path() + ".trustAnchor", "expected the trust anchor's Entity Identifier (an "
          + "https URL without query or fragment, other than the issuer), got " + ta);
    }
    Optional<com.nimbusds.jose.jwk.JWKSet> keys = Optional.empty();
    if (jwksFile.isPresent()) {
      try {
        com.nimbusds.jose.jwk.JWKSet set = com.nimbusds.jose.jwk.JWKSet.load(new java.io.File(jwksFile.get()));
        if (set.getKeys().isEmpty() || set.getKeys().stream().anyMatch(com.nimbusds.jose.jwk.JWK::isPrivate)) {
          throw new ConfigException(node.path() + ".trustAnchorJwks", "expected public keys, at least one");
        }
        keys = Optional.of(set);
      } catch (java.io.IOException | java.text.ParseException e) {
        throw new ConfigException(node.path() + ".trustAnchorJwks", "not a readable JWK Set file: "
            + jwksFile.get());
      }
    }
    return Optional.of(new TrustChainResolver.TrustAnchor(ta.toString().replaceAll("/+$", ""), keys));
  }

  private static boolean loopback(String host) {
    return "127.0.0.1".equals(host) || "[::1]".equals(host) || "localhost".equals(host);
  }

  private static Duration between(ConfigNode node, String key, Duration fallback, Duration min, Duration max) {
    Duration d = node.duration(key, fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(node.path() + "." + key, "expected a duration from " + min + " to " + max + ", got "
          + d);
    }
    return d;
  }
}
