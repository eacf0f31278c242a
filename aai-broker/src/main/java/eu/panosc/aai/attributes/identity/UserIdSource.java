package eu.panosc.aai.attributes.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the canonical user id may come from, configured per upstream in priority order. E-mail addresses,
 * eduPersonPrincipalName and transient NameIDs are not sources: they are reassigned or change per session.
 */
public enum UserIdSource {
  /** SAML {@code urn:oasis:names:tc:SAML:attribute:subject-id}: single value, syntax and scope checked. */
  SUBJECT_ID("subject-id", "urn:oasis:names:tc:SAML:attribute:subject-id", null),
  /** SAML {@code urn:oasis:names:tc:SAML:attribute:pairwise-id}: single value, syntax and scope checked. */
  PAIRWISE_ID("pairwise-id", "urn:oasis:names:tc:SAML:attribute:pairwise-id", null),
  /** eduPersonUniqueId ({@code urn:oid:1.3.6.1.4.1.5923.1.1.1.13}, claim {@code eduperson_unique_id}): scoped. */
  EDUPERSON_UNIQUE_ID("eduPersonUniqueId", "urn:oid:1.3.6.1.4.1.5923.1.1.1.13", "eduperson_unique_id"),
  /** voPersonID ({@code urn:oid:1.3.6.1.4.1.25178.4.1.6}, claim {@code voperson_id}), as proxies assign it. */
  VOPERSON_ID("voPersonID", "urn:oid:1.3.6.1.4.1.25178.4.1.6", "voperson_id"),
  /** A persistent NameID, qualified by the IdP's entity id: {@code <entity id>!<value>}. */
  PERSISTENT_NAME_ID("persistentNameId", null, null),
  /** An OpenID Connect {@code sub}, qualified by the issuer: {@code <issuer>!<sub>}. */
  OIDC_SUB("sub", null, "sub");

  /** The default order: the SAML subject identifiers, then eduPersonUniqueId, voPersonID, a persistent NameID. */
  public static final List<UserIdSource> DEFAULT_ORDER = List.of(SUBJECT_ID, PAIRWISE_ID, EDUPERSON_UNIQUE_ID,
      VOPERSON_ID, PERSISTENT_NAME_ID);

  private final String configName;
  private final String samlName;
  private final String claim;

  UserIdSource(String configName, String samlName, String claim) {
    this.configName = configName;
    this.samlName = samlName;
    this.claim = claim;
  }

  /** The name used in configuration and error messages. */
  public String configName() {
    return configName;
  }

  /** The SAML attribute Name, or null when this source is not a SAML attribute. */
  public String samlName() {
    return samlName;
  }

  /** The OIDC claim, or null when this source is not a claim. */
  public String claim() {
    return claim;
  }

  /**
   * The source called {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known sources, and why e-mail and the like are none
   */
  public static UserIdSource byName(String name) {
    Optional<UserIdSource> found = Arrays.stream(values())
        .filter(s -> s.configName.equalsIgnoreCase(name)).findFirst();
    if (found.isPresent()) {
      return found.get();
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("mail")) {
      throw new IllegalArgumentException("'" + name + "' cannot identify a user: e-mail addresses are reassigned "
          + "and change; use one of " + names());
    }
    if (n.contains("transient")) {
      throw new IllegalArgumentException("'" + name + "' cannot identify a user: a transient NameID changes with "
          + "every login; use one of " + names());
    }
    if (n.contains("principalname") || n.equals("eppn")) {
      throw new IllegalArgumentException("'" + name + "' cannot identify a user: eduPersonPrincipalName may be "
          + "reassigned; use one of " + names());
    }
    throw new IllegalArgumentException("unknown user id source '" + name + "'; known are " + names());
  }

  /** The configuration names of all sources. */
  public static List<String> names() {
    return Arrays.stream(values()).map(UserIdSource::configName).toList();
  }
}
