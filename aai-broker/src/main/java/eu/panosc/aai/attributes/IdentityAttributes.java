package eu.panosc.aai.attributes;

import java.util.List;

/**
 * Which internal attributes fill the {@link eu.panosc.aai.user.UpstreamIdentity}: the first attribute with a
 * value gives the display name and the e-mail address; entitlements and assurance merge every listed attribute.
 * The defaults follow the built-in internal map ({@code displayname}, {@code name}, {@code mail}, {@code
 * eduPersonEntitlement}, {@code eduPersonAssurance}).
 */
public record IdentityAttributes(List<String> displayName, List<String> email, List<String> entitlements,
    List<String> assurance) {
  /** {@code displayname}, {@code name}; {@code mail}; {@code eduPersonEntitlement}; {@code eduPersonAssurance}. */
  public static final IdentityAttributes DEFAULT = new IdentityAttributes(List.of("displayname", "name"),
      List.of("mail"), List.of("eduPersonEntitlement"), List.of("eduPersonAssurance"));

  public IdentityAttributes {
    displayName = List.copyOf(displayName);
    email = List.copyOf(email);
    entitlements = List.copyOf(entitlements);
    assurance = List.copyOf(assurance);
  }
}
