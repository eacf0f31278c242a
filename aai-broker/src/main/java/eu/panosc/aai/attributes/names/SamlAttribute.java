package eu.panosc.aai.attributes.names;

import java.util.List;
import java.util.Objects;

/**
 * One {@code <saml:Attribute>} as the SAML layer hands it over: {@code Name} (usually {@code urn:oid:...}),
 * {@code NameFormat} and {@code FriendlyName} (both optional, null when absent) and the text of its values.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 Core §2.7.3.1</a>
 */
public record SamlAttribute(String name, String nameFormat, String friendlyName, List<String> values) {
  /** The NameFormat of URI-named attributes (SAML 2.0 Core §8.2.2). */
  public static final String URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
  /** The NameFormat of simple names (SAML 2.0 Core §8.2.1). */
  public static final String BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";
  /** The default NameFormat when none is given (SAML 2.0 Core §2.7.3.1). */
  public static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified";

  public SamlAttribute {
    Objects.requireNonNull(name, "name");
    values = List.copyOf(values);
  }

  /** The NameFormat, {@link #UNSPECIFIED} when absent. */
  public String effectiveNameFormat() {
    return nameFormat == null || nameFormat.isEmpty() ? UNSPECIFIED : nameFormat;
  }
}
