package eu.panosc.aai.attributes;

import java.util.Objects;

/**
 * One {@code <md:RequestedAttribute>} of the broker's SP metadata: an attribute the internal map reads from SAML,
 * by its SAML Name (NameFormat {@code uri}) and friendly name; {@code required} when the upstream requires the
 * internal attribute it feeds ({@code isRequired="true"}).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 Metadata
 *     §2.4.4.2</a>
 */
public record RequestedSamlAttribute(String name, String nameFormat, String friendlyName, boolean required) {
  public RequestedSamlAttribute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(nameFormat, "nameFormat");
    Objects.requireNonNull(friendlyName, "friendlyName");
  }
}
