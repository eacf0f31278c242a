package eu.panosc.aai;

import eu.panosc.aai.attributes.AttributeMapper;
import eu.panosc.aai.attributes.UpstreamAttributeSettings;
import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YamlReader;
import eu.panosc.aai.oidc.OidcUpstreamSettings;
import eu.panosc.aai.saml.metadata.MetadataSettings;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code services.aai} configuration section, read and validated once at start-up: every key is checked
 * against its bounds, and a key this record does not know (a typo) is refused, naming the known keys.
 *
 * @param accessTokenLifetime lifetime of access and ID tokens
 * @param refreshTokenLifetime how long a user's grant (its refresh tokens) lasts, counted from the login
 * @param sessionLifetime browser session (single sign-on) lifetime
 * @param tokenRatePerSecond token requests per client and second, sustained
 * @param tokenBurst token requests per client in a burst
 * @param registryUrl where the federation-registry is
 * @param deviceCodeLifetime how long a device code and its user code stay usable
 * @param devicePollInterval the polling interval given to devices (whole seconds)
 * @param purgeInterval how often expired sessions, pending and pushed requests and grants are dropped
 * @param backchannelLogoutTimeout how long one back-channel logout delivery may take
 * @param backchannelLogoutAttempts delivery attempts per client at most
 * @param backchannelLogoutPoll how often each replica looks for due back-channel deliveries
 * @param backchannelLogoutRetryDelay pause before the second delivery, doubled before each further one
 * @param trustAnchor the OpenID Federation trust anchor named in the entity configuration's {@code authority_hints}
 *     (the registry's Entity Identifier)
 * @param upstreams per upstream id ({@code services.aai.upstreams.<id>}), how its attributes become an identity;
 *     every file they name is read and checked at start
 * @param upstreamMetadata per upstream id ({@code services.aai.upstreams.<id>.metadata}), where its SAML IdP metadata
 *     comes from (MDQ, a signed URL or a file, with the pinned signing certificate); upstreams without are absent
 * @param oidcUpstreams per upstream id ({@code services.aai.upstreams.<id>.oidc}), the upstream OpenID provider the
 *     broker signs people in through (a ready profile, eduteams or myaccessid, or everything given)
 */
public record AaiSettings(Duration accessTokenLifetime, Duration refreshTokenLifetime, Duration sessionLifetime,
    int tokenRatePerSecond, int tokenBurst, URI registryUrl, Duration deviceCodeLifetime, Duration devicePollInterval,
    Duration purgeInterval, Duration backchannelLogoutTimeout, int backchannelLogoutAttempts,
    Duration backchannelLogoutPoll, Duration backchannelLogoutRetryDelay, URI trustAnchor,
    Map<String, UpstreamAttributeSettings> upstreams, Map<String, MetadataSettings> upstreamMetadata,
    Map<String, OidcUpstreamSettings> oidcUpstreams) {

  /** An upstream id: lower-case letters, digits and dashes, as in {@code umbrellaid} or {@code eduteams}. */
  private static final Pattern UPSTREAM_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REFRESH_TOKEN_LIFETIME = Duration.ofHours(8);
  public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(8);
  public static final int DEFAULT_TOKEN_RATE = 1000;
  public static final int DEFAULT_TOKEN_BURST = 2000;
  public static final Duration DEFAULT_DEVICE_CODE_LIFETIME = Duration.ofMinutes(10);
  public static final Duration DEFAULT_DEVICE_POLL_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_LOGOUT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_LOGOUT_ATTEMPTS = 8;
  public static final Duration DEFAULT_LOGOUT_POLL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_LOGOUT_RETRY_DELAY = Duration.ofSeconds(2);

  public AaiSettings {
    Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime");
    Objects.requireNonNull(refreshTokenLifetime, "refreshTokenLifetime");
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(deviceCodeLifetime, "deviceCodeLifetime");
    Objects.requireNonNull(devicePollInterval, "devicePollInterval");
    Objects.requireNonNull(purgeInterval, "purgeInterval");
    Objects.requireNonNull(backchannelLogoutTimeout, "backchannelLogoutTimeout");
    Objects.requireNonNull(backchannelLogoutPoll, "backchannelLogoutPoll");
    Objects.requireNonNull(backchannelLogoutRetryDelay, "backchannelLogoutRetryDelay");
    Objects.requireNonNull(trustAnchor, "trustAnchor");
    upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
    upstreamMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(upstreamMetadata));
    oidcUpstreams = Collections.unmodifiableMap(new LinkedHashMap<>(oidcUpstreams));
  }

  /** Settings without OpenID Connect upstreams. */
  public AaiSettings(Duration accessTokenLifetime, Duration refreshTokenLifetime, Duration sessionLifetime,
      int tokenRatePerSecond, int tokenBurst, URI registryUrl, Duration deviceCodeLifetime,
      Duration devicePollInterval, Duration purgeInterval, Duration backchannelLogoutTimeout,
      int backchannelLogoutAttempts, Duration backchannelLogoutPoll, Duration backchannelLogoutRetryDelay,
      URI trustAnchor, Map<String, UpstreamAttributeSettings> upstreams,
      Map<String, MetadataSettings> upstreamMetadata) {
    this(accessTokenLifetime, refreshTokenLifetime, sessionLifetime, tokenRatePerSecond, tokenBurst, registryUrl,
        deviceCodeLifetime, devicePollInterval, purgeInterval, backchannelLogoutTimeout, backchannelLogoutAttempts,
        backchannelLogoutPoll, backchannelLogoutRetryDelay, trustAnchor, upstreams, upstreamMetadata, Map.of());
  }

  /** Settings without upstream metadata. */
  public AaiSettings(Duration accessTokenLifetime, Duration refreshTokenLifetime, Duration sessionLifetime,
      int tokenRatePerSecond, int tokenBurst, URI registryUrl, Duration deviceCodeLifetime,
      Duration devicePollInterval, Duration purgeInterval, Duration backchannelLogoutTimeout,
      int backchannelLogoutAttempts, Duration backchannelLogoutPoll, Duration backchannelLogoutRetryDelay,
      URI trustAnchor, Map<String, UpstreamAttributeSettings> upstreams) {
    this(accessTokenLifetime, refreshTokenLifetime, sessionLifetime, tokenRatePerSecond, tokenBurst, registryUrl,
        deviceCodeLifetime, devicePollInterval, purgeInterval, backchannelLogoutTimeout, backchannelLogoutAttempts,
        backchannelLogoutPoll, backchannelLogoutRetryDelay, trustAnchor, upstreams, Map.of());
  }

  /** Settings without upstreams. */
  public AaiSettings(Duration accessTokenLifetime, Duration refreshTokenLifetime, Duration sessionLifetime,
      int tokenRatePerSecond, int tokenBurst, URI registryUrl, Duration deviceCodeLifetime,
      Duration devicePollInterval, Duration purgeInterval, Duration backchannelLogoutTimeout,
      int backchannelLogoutAttempts, Duration backchannelLogoutPoll, Duration backchannelLogoutRetryDelay,
      URI trustAnchor) {
    this(accessTokenLifetime, refreshTokenLifetime, sessionLifetime, tokenRatePerSecond, tokenBurst, registryUrl,
        deviceCodeLifetime, devicePollInterval, purgeInterval, backchannelLogoutTimeout, backchannelLogoutAttempts,
        backchannelLogoutPoll, backchannelLogoutRetryDelay, trustAnchor, Map.of(), Map.of());
  }

  /**
   * Reads {@code node} ({@code services.aai}); {@code registryUrl} and {@code trustAnchor} default to
   * {@code <publicRoot>/registry}.
   *
   * @throws ConfigException naming the first key that is malformed, out of bounds or unknown, and the fix
   */
  public static AaiSettings from(ConfigNode node, URI publicRoot) {
    return from(node, publicRoot, YamlReader.withSystemEnvironment());
  }

  /** As {@link #from(ConfigNode, URI)}, reading attribute files with {@code files} (tests give an environment). */
  public static AaiSettings from(ConfigNode node, URI publicRoot, YamlReader files) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(publicRoot, "publicRoot");
    Map<String, MetadataSettings> metadata = new LinkedHashMap<>();
    Map<String, OidcUpstreamSettings> oidc = new LinkedHashMap<>();
    AaiSettings settings = new AaiSettings(
        between(node, "accessTokenLifetime", DEFAULT_ACCESS_TOKEN_LIFETIME, Duration.ofSeconds(1), Duration.ofDays(1)),
        between(node, "refreshTokenLifetime", DEFAULT_REFRESH_TOKEN_LIFETIME, Duration.ofMinutes(1),
            Duration.ofDays(365)),
        between(node, "sessionLifetime", DEFAULT_SESSION_LIFETIME, Duration.ofMinutes(1), Duration.ofDays(30)),
        node.integer("tokenRatePerSecond", DEFAULT_TOKEN_RATE, 1, 1_000_000),
        node.integer("tokenBurst", DEFAULT_TOKEN_BURST, 1, 1_000_000),
        node.optionalUri("registryUrl", Set.of("http", "https"))
            .orElse(URI.create(publicRoot.toString().replaceAll("/+$", "") + "/registry")),
        between(node, "deviceCodeLifetime", DEFAULT_DEVICE_CODE_LIFETIME, Duration.ofMinutes(1), Duration.ofDays(1)),
        wholeSeconds(node, "devicePollInterval",
            between(node, "devicePollInterval", DEFAULT_DEVICE_POLL_INTERVAL, Duration.ofSeconds(1),
                Duration.ofMinutes(1))),
        between(node, "purgeInterval", DEFAULT_PURGE_INTERVAL, Duration.ofSeconds(1), Duration.ofDays(1)),
        between(node, "backchannelLogoutTimeout", DEFAULT_LOGOUT_TIMEOUT, Duration.ofMillis(100),
            Duration.ofMinutes(1)),
        node.integer("backchannelLogoutAttempts", DEFAULT_LOGOUT_ATTEMPTS, 1, 50),
        between(node, "backchannelLogoutPoll", DEFAULT_LOGOUT_POLL, Duration.ofMillis(100), Duration.ofHours(1)),
        between(node, "backchannelLogoutRetryDelay", DEFAULT_LOGOUT_RETRY_DELAY, Duration.ofMillis(100),
            Duration.ofHours(1)),
        entityId(node, "trustAnchor", URI.create(publicRoot.toString().replaceAll("/+$", "") + "/registry")),
        node.read("upstreams", n -> upstreams(n, files, metadata, oidc)), metadata, oidc);
    // read (and checked) here so a typo fails at start; the registration reads it with TermsOfUse.from
    node.read("termsOfUse", n -> eu.panosc.aai.register.TermsOfUse.from(n, publicRoot));
    // likewise services.aai.registryUpstreams (the registry's OpenID providers), read with RegistryUpstreamSettings.from
    node.read("registryUpstreams", eu.panosc.aai.oidc.RegistryUpstreamSettings::from);
    node.rejectUnknownKeys();
    return settings;
  }

  /**
   * {@code upstreams.<id>.attributes}: checked, and every file it names read once, so a typo fails at start; each
   * {@code upstreams.<id>.metadata} is checked and put into {@code metadata}.
   */
  private static Map<String, UpstreamAttributeSettings> upstreams(ConfigNode node, YamlReader files,
      Map<String, MetadataSettings> metadata, Map<String, OidcUpstreamSettings> oidc) {
    Map<String, UpstreamAttributeSettings> out = new LinkedHashMap<>();
    for (String id : node.keys()) {
      if (!UPSTREAM_ID.matcher(id).matches()) {
        node.node(id);
        throw new ConfigException(node.path() + "." + id, "an upstream id is 1 to 63 lower-case letters, digits "
            + "and dashes, such as umbrellaid");
      }
      ConfigNode upstream = node.node(id);
      UpstreamAttributeSettings s = upstream.read("attributes", n -> UpstreamAttributeSettings.from(id, n));
      Optional<MetadataSettings> m = upstream.read("metadata", MetadataSettings::from);
      m.ifPresent(x -> metadata.put(id, x));
      // an OpenID Connect upstream (services.aai.upstreams.<id>.oidc): its OP, and OIDC defaults for its attributes
      if (upstream.has("oidc")) {
        if (m.isPresent()) {
          throw new ConfigException(upstream.path(), "an upstream is SAML (metadata) or OpenID Connect (oidc), not both");
        }
        OidcUpstreamSettings o = upstream.read("oidc", n -> OidcUpstreamSettings.from(id, n));
        ConfigNode attributes = upstream.node("attributes");
        s = o.attributes(s, attributes.has("protocol"), attributes.has("userId"));
        oidc.put(id, o);
      }
      upstream.rejectUnknownKeys();
      try {
        AttributeMapper.load(s, files);
      } catch (AttributeConfigException | IllegalArgumentException e) {
        throw new ConfigException(upstream.path() + ".attributes", e.getMessage());
      }
      out.put(id, s);
    }
    return out;
  }

  private static Duration between(ConfigNode node, String key, Duration fallback, Duration min, Duration max) {
    Duration d = node.duration(key, fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(node.path() + "." + key, "expected a duration from " + text(min) + " to "
          + text(max) + " (such as " + text(fallback) + ", the default), got " + text(d));
    }
    return d;
  }

  /** An OpenID Federation Entity Identifier: an absolute http(s) URL without query or fragment (OIDF 1.0 §1.2). */
  private static URI entityId(ConfigNode node, String key, URI fallback) {
    URI uri = node.optionalUri(key, Set.of("http", "https")).orElse(fallback);
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(node.path() + "." + key,
          "expected an Entity Identifier (a URL without query or fragment), such as " + fallback + ", got " + uri);
    }
    return uri;
  }

  private static Duration wholeSeconds(ConfigNode node, String key, Duration d) {
    if (d.toNanosPart() != 0) {
      throw new ConfigException(node.path() + "." + key, "expected whole seconds (RFC 8628 interval), such as 5s");
    }
    return d;
  }

  private static String text(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
