package eu.panosc.aai.saml.validate;

import java.util.List;
import java.util.Objects;

/**
 * One SAML attribute of a validated assertion: its name (usually an {@code urn:oid:}), name format, friendly name (may
 * be null) and values as text.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §2.7.3.1</a>
 */
public record SamlAttribute(String name, String nameFormat, String friendlyName, List<String> values) {
  public SamlAttribute {
    Objects.requireNonNull(name, "name");
    values = List.copyOf(values);
  }
}
