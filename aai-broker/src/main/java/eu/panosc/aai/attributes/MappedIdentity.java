package eu.panosc.aai.attributes;

import eu.panosc.aai.attributes.identity.UserIdSource;
import eu.panosc.aai.user.UpstreamIdentity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of mapping one login: the {@link UpstreamIdentity} the broker keys and issues tokens on, where its
 * user id came from, the full internal attribute map after processing, and what was left out (SAML attribute
 * Names no map knows; entitlements dropped as malformed or from untrusted authorities, counted only).
 */
public record MappedIdentity(UpstreamIdentity identity, UserIdSource userIdSource,
    Map<String, List<String>> attributes, List<String> unmappedSamlNames, int malformedEntitlements,
    int untrustedEntitlements) {
  public MappedIdentity {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(userIdSource, "userIdSource");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    attributes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    attributes = Collections.unmodifiableMap(copy);
    unmappedSamlNames = List.copyOf(unmappedSamlNames);
  }
}
