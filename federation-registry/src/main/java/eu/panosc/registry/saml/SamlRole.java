package eu.panosc.registry.saml;

/**
 * The metadata roles the registry accepts; an entity needs at least one.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata §2.4</a>
 */
public enum SamlRole {
  IDP("IDPSSODescriptor"),
  SP("SPSSODescriptor"),
  ATTRIBUTE_AUTHORITY("AttributeAuthorityDescriptor");

  private final String element;

  SamlRole(String element) {
    this.element = element;
  }

  /** Local name of the role descriptor element in the metadata namespace. */
  public String element() {
    return element;
  }
}
