package eu.panosc.aai.attributes;

import eu.panosc.aai.attributes.identity.UserIdSource;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import eu.panosc.platform.config.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code services.aai.upstreams.<id>.attributes} section: how one upstream's attributes become an identity.
 * Files are SATOSA's and pysaml2's formats as they are; relative paths are resolved against the working
 * directory.
 *
 * @param upstreamId the upstream's configuration id
 * @param protocol {@code saml} (default) or {@code oidc}: selects the internal map's profile
 * @param internalAttributes SATOSA {@code internal_attributes.yaml}; empty: the built-in map
 * @param samlAttributeMaps pysaml2-style attribute maps added after the built-in one (they win name by name)
 * @param processors SATOSA micro-service files, applied in order
 * @param required internal attributes without which a login is refused with a page naming them
 * @param userId canonical user id sources in priority order
 * @param trustedEntitlementAuthorities entitlement {@code #authority} values accepted from this upstream
 * @param hashSalt the salt for the internal map's {@code hash} list (required only then)
 * @param identity which internal attributes fill the identity
 */
public record UpstreamAttributeSettings(String upstreamId, UpstreamAttributes.Protocol protocol,
    Optional<Path> internalAttributes, List<Path> samlAttributeMaps, List<Path> processors, List<String> required,
    List<UserIdSource> userId, Set<String> trustedEntitlementAuthorities, Optional<Secret> hashSalt,
    IdentityAttributes identity) {

  /** The default user id sources of an OIDC upstream. */
  public static final List<UserIdSource> OIDC_DEFAULT_ORDER = List.of(UserIdSource.EDUPERSON_UNIQUE_ID,
      UserIdSource.VOPERSON_ID, UserIdSource.OIDC_SUB);

  public UpstreamAttributeSettings {
    Objects.requireNonNull(upstreamId, "upstreamId");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(internalAttributes, "internalAttributes");
    samlAttributeMaps = List.copyOf(samlAttributeMaps);
    processors = List.copyOf(processors);
    required = List.copyOf(required);
    userId = List.copyOf(userId);
    trustedEntitlementAuthorities = Set.copyOf(trustedEntitlementAuthorities);
    Objects.requireNonNull(hashSalt, "hashSalt");
    Objects.requireNonNull(identity, "identity");
  }

  /**
   * Reads {@code node} (the {@code attributes} section of one upstream), checking keys and values; the files
   * themselves are read by {@link AttributeMapper#load}.
   *
   * @throws ConfigException naming the first key that is malformed or unknown
   */
  public static UpstreamAttributeSettings from(String upstreamId, ConfigNode node) {
    UpstreamAttributes.Protocol protocol = switch (node.string("protocol", "saml")) {
      case "saml" -> UpstreamAttributes.Protocol.SAML;
      case "oidc" -> UpstreamAttributes.Protocol.OIDC;
      default -> throw new ConfigException(node.path() + ".protocol", "expected saml or oidc, got '"
          + node.string("protocol", "") + "'");
    };
    Optional<Path> internal = node.optionalString("internalAttributes").map(Path::of);
    List<Path> maps = node.stringList("samlAttributeMaps").stream().map(Path::of).toList();
    List<Path> processors = node.stringList("processors").stream().map(Path::of).toList();
    List<String> required = node.stringList("required");
    List<UserIdSource> userId = new ArrayList<>();
    for (String name : node.stringList("userId")) {
      try {
        userId.add(UserIdSource.byName(name));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(node.path() + ".userId", e.getMessage());
      }
    }
    if (new LinkedHashSet<>(userId).size() != userId.size()) {
      throw new ConfigException(node.path() + ".userId", "names a source twice");
    }
    if (userId.isEmpty()) {
      userId = protocol == UpstreamAttributes.Protocol.SAML ? UserIdSource.DEFAULT_ORDER : OIDC_DEFAULT_ORDER;
    }
    Set<String> authorities = new LinkedHashSet<>(node.stringList("trustedEntitlementAuthorities"));
    for (String a : authorities) {
      if (a.isBlank() || a.contains("#") || a.chars().anyMatch(Character::isWhitespace)) {
        throw new ConfigException(node.path() + ".trustedEntitlementAuthorities",
            "expected authorities such as eduteams.org (no '#', no spaces), got '" + a + "'");
      }
    }
    Optional<Secret> salt = node.optionalString("hashSalt").map(Secret::new);
    IdentityAttributes identity = node.read("identity", n -> {
      IdentityAttributes d = IdentityAttributes.DEFAULT;
      return new IdentityAttributes(orDefault(n.stringList("displayName"), d.displayName()),
          orDefault(n.stringList("email"), d.email()), orDefault(n.stringList("entitlements"), d.entitlements()),
          orDefault(n.stringList("assurance"), d.assurance()));
    });
    node.rejectUnknownKeys();
    return new UpstreamAttributeSettings(upstreamId, protocol, internal, maps, processors, required, userId,
        authorities, salt, identity);
  }

  private static List<String> orDefault(List<String> given, List<String> fallback) {
    return given.isEmpty() ? fallback : given;
  }
}
