package eu.panosc.registry.saml;

/**
 * Namespace URIs and well-known values of SAML metadata and its extensions.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata</a>
 */
public final class SamlNames {
  public static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
  public static final String SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
  public static final String DS = "http://www.w3.org/2000/09/xmldsig#";
  public static final String MDUI = "urn:oasis:names:tc:SAML:metadata:ui";
  public static final String MDATTR = "urn:oasis:names:tc:SAML:metadata:attribute";
  public static final String MDRPI = "urn:oasis:names:tc:SAML:metadata:rpi";
  public static final String SHIBMD = "urn:mace:shibboleth:metadata:1.0";
  public static final String REMD = "http://refeds.org/metadata";
  public static final String XML = "http://www.w3.org/XML/1998/namespace";

  /** Entity attribute naming the certifications an entity claims (SIRTFI is one). */
  public static final String ASSURANCE_CERTIFICATION =
      "urn:oasis:names:tc:SAML:attribute:assurance-certification";
  /** SIRTFI value of {@link #ASSURANCE_CERTIFICATION}. */
  public static final String SIRTFI = "https://refeds.org/sirtfi";
  /** Entity attribute naming the entity categories. */
  public static final String ENTITY_CATEGORY = "http://macedir.org/entity-category";
  /** Entity category asking discovery services not to list an IdP. */
  public static final String HIDE_FROM_DISCOVERY = "http://refeds.org/category/hide-from-discovery";
  /** {@code remd:contactType} of a SIRTFI security contact. */
  public static final String SECURITY_CONTACT = "http://refeds.org/metadata/contactType/security";
  /** Media type of SAML metadata (MDQ responses). */
  public static final String MEDIA_TYPE = "application/samlmetadata+xml";

  private SamlNames() {}
}
