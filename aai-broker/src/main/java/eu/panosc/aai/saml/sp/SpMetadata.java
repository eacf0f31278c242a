package eu.panosc.aai.saml.sp;

import eu.panosc.aai.attributes.RequestedSamlAttribute;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.xml.namespace.QName;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.schema.XSAny;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.ext.saml2mdattr.EntityAttributes;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeValue;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.saml.saml2.metadata.AssertionConsumerService;
import org.opensaml.saml.saml2.metadata.AttributeConsumingService;
import org.opensaml.saml.saml2.metadata.ContactPerson;
import org.opensaml.saml.saml2.metadata.ContactPersonTypeEnumeration;
import org.opensaml.saml.saml2.metadata.EmailAddress;
import org.opensaml.saml.saml2.metadata.EncryptionMethod;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.Extensions;
import org.opensaml.saml.saml2.metadata.GivenName;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.NameIDFormat;
import org.opensaml.saml.saml2.metadata.RequestedAttribute;
import org.opensaml.saml.saml2.metadata.SPSSODescriptor;
import org.opensaml.saml.saml2.metadata.ServiceName;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;

/**
 * The broker's SAML service provider metadata: a signed {@code md:EntityDescriptor} with an SPSSODescriptor
 * ({@code AuthnRequestsSigned} and {@code WantAssertionsSigned} true), a signing and an encryption
 * {@code KeyDescriptor} per published key (current and next in rotation, and recently retired), the assertion
 * consumer service (HTTP-POST), single logout (HTTP-Redirect and HTTP-POST), NameID formats, the
 * {@code RequestedAttribute}s the attribute layer reads, the SIRTFI entity attribute and a REFEDS security contact.
 * {@code validUntil} is a week ahead and {@code cacheDuration} six hours.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 Metadata</a>
 * @see <a href="https://refeds.org/sirtfi">Sirtfi</a>
 * @see <a href="https://refeds.org/metadata/contactType/security">REFEDS security contact type</a>
 */
public final class SpMetadata {
  /** Entity attribute name of assurance certifications (SIRTFI). */
  public static final String ASSURANCE_CERTIFICATION = "urn:oasis:names:tc:SAML:attribute:assurance-certification";
  public static final String SIRTFI = "https://refeds.org/sirtfi";
  public static final String REFEDS_NS = "http://refeds.org/metadata";
  public static final String SECURITY_CONTACT = "http://refeds.org/metadata/contactType/security";
  public static final Duration VALIDITY = Duration.ofDays(7);
  public static final Duration CACHE_DURATION = Duration.ofHours(6);
  /** Encryption algorithms the SP accepts, in preference order (data, then key transport). */
  public static final List<String> ENCRYPTION_METHODS = List.of(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM,
      EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM, EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP11,
      EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP);

  private final SpEndpoints endpoints;
  private final SamlKeys signing;
  private final SamlKeys encryption;
  private final List<RequestedSamlAttribute> requested;
  private final String securityEmail;
  private final Clock clock;

  /**
   * @param requested what the attribute layer reads ({@code AttributeMapper.requestedSamlAttributes()})
   * @param securityEmail the security contact's address (without {@code mailto:})
   */
  public SpMetadata(SpEndpoints endpoints, SamlKeys signing, SamlKeys encryption,
      List<RequestedSamlAttribute> requested, String securityEmail, Clock clock) {
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.signing = Objects.requireNonNull(signing, "signing");
    this.encryption = Objects.requireNonNull(encryption, "encryption");
    this.requested = List.copyOf(requested);
    this.securityEmail = Objects.requireNonNull(securityEmail, "securityEmail");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The metadata, signed with the current SP signing key, as an XML document. */
  public String signedXml() {
    EntityDescriptor entity = descriptor();
    return SerializeSupport.nodeToString(SamlObjects.sign(entity, signing.current()));
  }

  /** The unsigned descriptor. */
  EntityDescriptor descriptor() {
    EntityDescriptor entity = SamlObjects.build(EntityDescriptor.DEFAULT_ELEMENT_NAME);
    entity.setEntityID(endpoints.entityId());
    entity.setID("_" + java.util.HexFormat.of().formatHex(randomBytes()));
    entity.setValidUntil(clock.instant().plus(VALIDITY));
    entity.setCacheDuration(CACHE_DURATION);
    entity.setExtensions(sirtfi());

    SPSSODescriptor sp = SamlObjects.build(SPSSODescriptor.DEFAULT_ELEMENT_NAME);
    sp.addSupportedProtocol(SAMLConstants.SAML20P_NS);
    sp.setAuthnRequestsSigned(true);
    sp.setWantAssertionsSigned(true);
    for (X509Certificate c : signing.published()) {
      sp.getKeyDescriptors().add(keyDescriptor(c, UsageType.SIGNING));
    }
    for (X509Certificate c : encryption.published()) {
      KeyDescriptor kd = keyDescriptor(c, UsageType.ENCRYPTION);
      for (String algorithm : ENCRYPTION_METHODS) {
        EncryptionMethod m = SamlObjects.build(EncryptionMethod.DEFAULT_ELEMENT_NAME);
        m.setAlgorithm(algorithm);
        kd.getEncryptionMethods().add(m);
      }
      sp.getKeyDescriptors().add(kd);
    }
    for (String binding : List.of(SAMLConstants.SAML2_REDIRECT_BINDING_URI, SAMLConstants.SAML2_POST_BINDING_URI)) {
      SingleLogoutService slo = SamlObjects.build(SingleLogoutService.DEFAULT_ELEMENT_NAME);
      slo.setBinding(binding);
      slo.setLocation(endpoints.singleLogout());
      sp.getSingleLogoutServices().add(slo);
    }
    for (String format : List.of(NameIDType.PERSISTENT, NameIDType.TRANSIENT)) {
      NameIDFormat f = SamlObjects.build(NameIDFormat.DEFAULT_ELEMENT_NAME);
      f.setURI(format);
      sp.getNameIDFormats().add(f);
    }
    AssertionConsumerService acs = SamlObjects.build(AssertionConsumerService.DEFAULT_ELEMENT_NAME);
    acs.setBinding(SAMLConstants.SAML2_POST_BINDING_URI);
    acs.setLocation(endpoints.assertionConsumer());
    acs.setIndex(0);
    acs.setIsDefault(true);
    sp.getAssertionConsumerServices().add(acs);
    if (!requested.isEmpty()) {
      sp.getAttributeConsumingServices().add(attributeConsumingService());
    }
    entity.getRoleDescriptors().add(sp);
    entity.getContactPersons().add(securityContact());
    return entity;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[20];
    new java.security.SecureRandom().nextBytes(b);
    return b;
  }

  private Extensions sirtfi() {
    Extensions extensions = SamlObjects.build(Extensions.DEFAULT_ELEMENT_NAME);
    EntityAttributes attributes = SamlObjects.build(EntityAttributes.DEFAULT_ELEMENT_NAME);
    Attribute certification = SamlObjects.build(Attribute.DEFAULT_ELEMENT_NAME);
    certification.setName(ASSURANCE_CERTIFICATION);
    certification.setNameFormat(Attribute.URI_REFERENCE);
    XSAny value = SamlObjects.build(AttributeValue.DEFAULT_ELEMENT_NAME, XSAny.TYPE_NAME);
    value.setTextContent(SIRTFI);
    certification.getAttributeValues().add(value);
    attributes.getAttributes().add(certification);
    extensions.getUnknownXMLObjects().add(attributes);
    return extensions;
  }

  private static KeyDescriptor keyDescriptor(X509Certificate certificate, UsageType use) {
    KeyDescriptor kd = SamlObjects.build(KeyDescriptor.DEFAULT_ELEMENT_NAME);
    kd.setUse(use);
    kd.setKeyInfo(SamlObjects.keyInfo(certificate));
    return kd;
  }

  private AttributeConsumingService attributeConsumingService() {
    AttributeConsumingService service = SamlObjects.build(AttributeConsumingService.DEFAULT_ELEMENT_NAME);
    service.setIndex(0);
    service.setIsDefault(true);
    ServiceName name = SamlObjects.build(ServiceName.DEFAULT_ELEMENT_NAME);
    name.setValue("PaNOSC federation");
    name.setXMLLang("en");
    service.getNames().add(name);
    for (RequestedSamlAttribute r : requested) {
      RequestedAttribute a = SamlObjects.build(RequestedAttribute.DEFAULT_ELEMENT_NAME);
      a.setName(r.name());
      a.setNameFormat(r.nameFormat());
      a.setFriendlyName(r.friendlyName());
      a.setIsRequired(r.required());
      service.getRequestedAttributes().add(a);
    }
    return service;
  }

  private ContactPerson securityContact() {
    ContactPerson contact = SamlObjects.build(ContactPerson.DEFAULT_ELEMENT_NAME);
    contact.setType(ContactPersonTypeEnumeration.OTHER);
    contact.getUnknownAttributes().put(new QName(REFEDS_NS, "contactType", "remd"), SECURITY_CONTACT);
    GivenName given = SamlObjects.build(GivenName.DEFAULT_ELEMENT_NAME);
    given.setValue("Security Response Team");
    contact.setGivenName(given);
    EmailAddress email = SamlObjects.build(EmailAddress.DEFAULT_ELEMENT_NAME);
    email.setURI("mailto:" + securityEmail);
    contact.getEmailAddresses().add(email);
    return contact;
  }
}
