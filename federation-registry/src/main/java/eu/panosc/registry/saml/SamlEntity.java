package eu.panosc.registry.saml;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One validated {@code md:EntityDescriptor}: the facts the registry needs and the element itself in two
 * serialisations.
 *
 * <p>{@link #xml()} is the element as a standalone document (inclusive C14N, so every namespace in scope
 * is declared; no comments, no signature of its own). {@link #canonicalXml()} is what exclusive C14N makes
 * of that element when it is a child of {@code <md:EntitiesDescriptor xmlns:md="…">}: the bytes an
 * aggregate's signature digests, precomputed so an aggregate is built without parsing. Build instances
 * with {@link SamlMetadataParser}.
 *
 * @param entityId the entityID (absolute URI)
 * @param roles the role descriptors present, never empty
 * @param displayName English mdui:DisplayName, else any, else OrganizationDisplayName, else entityID
 * @param displayNames display names by language (mdui:DisplayName, else OrganizationDisplayName)
 * @param descriptions mdui:Description by language
 * @param logo the first https (or data:image) mdui:Logo
 * @param entityAttributes mdattr:EntityAttributes, attribute name to values
 * @param registrationAuthority mdrpi:RegistrationInfo/@registrationAuthority
 * @param scopes shibmd:Scope values of the IdP role
 * @param securityContact whether a REFEDS security ContactPerson is present (needed for SIRTFI)
 * @param signingCertificates certificates of KeyDescriptors with use="signing" or no use
 * @param validUntil the entity's own validUntil
 * @param xml standalone serialisation (UTF-8)
 * @param canonicalXml exclusive C14N as a child of an aggregate (UTF-8)
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata §2.3.2</a>
 */
public record SamlEntity(
    String entityId,
    Set<SamlRole> roles,
    String displayName,
    Map<String, String> displayNames,
    Map<String, String> descriptions,
    Optional<Logo> logo,
    Map<String, List<String>> entityAttributes,
    Optional<String> registrationAuthority,
    List<String> scopes,
    boolean securityContact,
    List<X509Certificate> signingCertificates,
    Optional<Instant> validUntil,
    byte[] xml,
    byte[] canonicalXml) {

  /** An mdui:Logo; width and height are 0 when absent. */
  public record Logo(String url, int width, int height) {
    public Logo {
      Objects.requireNonNull(url, "url");
    }
  }

  public SamlEntity {
    Objects.requireNonNull(entityId, "entityId");
    Objects.requireNonNull(displayName, "displayName");
    roles = Set.copyOf(roles);
    displayNames = Map.copyOf(displayNames);
    descriptions = Map.copyOf(descriptions);
    Objects.requireNonNull(logo, "logo");
    entityAttributes = Map.copyOf(entityAttributes);
    Objects.requireNonNull(registrationAuthority, "registrationAuthority");
    scopes = List.copyOf(scopes);
    signingCertificates = List.copyOf(signingCertificates);
    Objects.requireNonNull(validUntil, "validUntil");
    xml = xml.clone();
    canonicalXml = canonicalXml.clone();
  }

  /** A copy of the standalone serialisation. */
  @Override
  public byte[] xml() {
    return xml.clone();
  }

  /** A copy of the exclusive-C14N form as a child of an aggregate. */
  @Override
  public byte[] canonicalXml() {
    return canonicalXml.clone();
  }

  byte[] rawXml() {
    return xml;
  }

  byte[] rawCanonicalXml() {
    return canonicalXml;
  }

  /** The standalone serialisation as a string. */
  public String xmlString() {
    return new String(xml, StandardCharsets.UTF_8);
  }

  /** Whether the entity has an IDPSSODescriptor. */
  public boolean isIdp() {
    return roles.contains(SamlRole.IDP);
  }

  /** Values of one entity attribute, empty if absent. */
  public List<String> entityAttribute(String name) {
    return entityAttributes.getOrDefault(name, List.of());
  }

  /** Whether the entity asserts SIRTFI ({@code assurance-certification = https://refeds.org/sirtfi}). */
  public boolean assertsSirtfi() {
    return entityAttribute(SamlNames.ASSURANCE_CERTIFICATION).contains(SamlNames.SIRTFI);
  }

  /** SIRTFI as REFEDS defines it: the assertion plus a security contact. */
  public boolean sirtfiCompliant() {
    return assertsSirtfi() && securityContact;
  }

  /** Whether the entity carries the REFEDS hide-from-discovery category. */
  public boolean hiddenFromDiscovery() {
    return entityAttribute(SamlNames.ENTITY_CATEGORY).contains(SamlNames.HIDE_FROM_DISCOVERY);
  }

  /** MDQ transformed identifier: {@code {sha1}} and the lowercase hex SHA-1 of the entityID. */
  public String sha1Id() {
    return sha1Id(entityId);
  }

  /** MDQ transformed identifier of {@code entityId}. */
  public static String sha1Id(String entityId) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-1").digest(entityId.getBytes(StandardCharsets.UTF_8));
      return "{sha1}" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is a mandatory JDK algorithm", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SamlEntity other
        && entityId.equals(other.entityId)
        && Arrays.equals(canonicalXml, other.canonicalXml)
        && Arrays.equals(xml, other.xml);
  }

  @Override
  public int hashCode() {
    return 31 * entityId.hashCode() + Arrays.hashCode(canonicalXml);
  }

  @Override
  public String toString() {
    return "SamlEntity[" + entityId + ", roles=" + roles + ", " + xml.length + " bytes]";
  }
}
