package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import eu.panosc.aai.attributes.RequestedSamlAttribute;
import eu.panosc.registry.saml.SamlSchema;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.opensaml.core.xml.schema.XSAny;
import org.opensaml.saml.common.xml.SAMLConstants;
import org.opensaml.saml.ext.saml2mdattr.EntityAttributes;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.SPSSODescriptor;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.credential.UsageType;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.keyinfo.KeyInfoSupport;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Element;

/** The SP metadata: schema-valid, signed by the current SP key, and saying what IdPs and federations need. */
class SpMetadataTest {
  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final List<RequestedSamlAttribute> REQUESTED = List.of(
      new RequestedSamlAttribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.13",
          "urn:oasis:names:tc:SAML:2.0:attrname-format:uri", "eduPersonUniqueId", true),
      new RequestedSamlAttribute("urn:oid:0.9.2342.19200300.100.1.3",
          "urn:oasis:names:tc:SAML:2.0:attrname-format:uri", "mail", false));

  private final SpMetadata metadata = new SpMetadata(SpEndpoints.under(URI.create("https://panosc.example/aai")),
      TestSamlKeys.signing(), TestSamlKeys.encryption(), REQUESTED, "security@panosc.example",
      Clock.fixed(NOW, ZoneOffset.UTC));

  private static Element dom(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
        .getDocumentElement();
  }

  @Test
  void signedXmlWhenValidatedAgainstTheSamlMetadataSchemaThenValid() throws Exception {
    Element signed = dom(metadata.signedXml());
    assertThatCode(() -> SamlSchema.validate(signed)).as("valid against the SAML metadata schema")
        .doesNotThrowAnyException();
  }

  @Test
  void signedXmlWhenVerifiedWithTheCurrentSigningCertificateThenValidAndOnlyWithIt() throws Exception {
    EntityDescriptor parsed = (EntityDescriptor) SamlObjects.parse(metadata.signedXml()
        .getBytes(StandardCharsets.UTF_8));

    new SAMLSignatureProfileValidator().validate(parsed.getSignature());
    SignatureValidator.validate(parsed.getSignature(),
        new BasicX509Credential(TestSamlKeys.signing().current().getEntityCertificate()));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SignatureValidator.validate(parsed.getSignature(),
        new BasicX509Credential(TestSamlKeys.other().current().getEntityCertificate())))
        .isInstanceOf(org.opensaml.xmlsec.signature.support.SignatureException.class);
    assertThat(parsed.getSignature().getSignatureAlgorithm())
        .isEqualTo("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
  }

  @Test
  void descriptorWhenBuiltThenSpRoleEndpointsKeysAttributesSirtfiAndSecurityContact() throws Exception {
    EntityDescriptor e = (EntityDescriptor) SamlObjects.parse(metadata.signedXml().getBytes(StandardCharsets.UTF_8));

    assertThat(e.getEntityID()).isEqualTo("https://panosc.example/aai/saml2/sp/metadata");
    assertThat(e.getValidUntil()).isEqualTo(NOW.plus(Duration.ofDays(7)));
    assertThat(e.getCacheDuration()).isEqualTo(Duration.ofHours(6));
    SPSSODescriptor sp = e.getSPSSODescriptor(SAMLConstants.SAML20P_NS);
    assertThat(sp.isAuthnRequestsSigned()).isTrue();
    assertThat(sp.getWantAssertionsSigned()).isTrue();
    assertThat(sp.getAssertionConsumerServices()).singleElement().satisfies(acs -> {
      assertThat(acs.getBinding()).isEqualTo(SAMLConstants.SAML2_POST_BINDING_URI);
      assertThat(acs.getLocation()).isEqualTo("https://panosc.example/aai/saml2/sp/acs");
    });
    assertThat(sp.getSingleLogoutServices()).extracting(s -> s.getBinding()).containsExactly(
        SAMLConstants.SAML2_REDIRECT_BINDING_URI, SAMLConstants.SAML2_POST_BINDING_URI);
    assertThat(sp.getSingleLogoutServices()).allSatisfy(s ->
        assertThat(s.getLocation()).isEqualTo("https://panosc.example/aai/saml2/sp/slo"));
    assertThat(sp.getNameIDFormats()).extracting(f -> f.getURI()).contains(
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");

    List<KeyDescriptor> signing = sp.getKeyDescriptors().stream().filter(k -> k.getUse() == UsageType.SIGNING)
        .toList();
    List<KeyDescriptor> encryption = sp.getKeyDescriptors().stream().filter(k -> k.getUse() == UsageType.ENCRYPTION)
        .toList();
    assertThat(signing.stream().map(k -> cert(k))).as("current and next signing key")
        .containsExactlyElementsOf(TestSamlKeys.signing().published());
    assertThat(encryption.stream().map(k -> cert(k))).as("current and next encryption key")
        .containsExactlyElementsOf(TestSamlKeys.encryption().published());
    assertThat(encryption.get(0).getEncryptionMethods()).extracting(m -> m.getAlgorithm())
        .contains("http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#rsa-oaep")
        .noneMatch(a -> a.contains("cbc") || a.contains("rsa-1_5"));

    var requested = sp.getAttributeConsumingServices().get(0).getRequestedAttributes();
    assertThat(requested).extracting(r -> r.getName()).containsExactly("urn:oid:1.3.6.1.4.1.5923.1.1.1.13",
        "urn:oid:0.9.2342.19200300.100.1.3");
    assertThat(requested).extracting(r -> r.isRequired()).containsExactly(true, false);
    assertThat(requested.get(0).getFriendlyName()).isEqualTo("eduPersonUniqueId");

    EntityAttributes attrs = (EntityAttributes) e.getExtensions()
        .getUnknownXMLObjects(EntityAttributes.DEFAULT_ELEMENT_NAME).get(0);
    assertThat(attrs.getAttributes()).singleElement().satisfies(a -> {
      assertThat(a.getName()).isEqualTo("urn:oasis:names:tc:SAML:attribute:assurance-certification");
      assertThat(((XSAny) a.getAttributeValues().get(0)).getTextContent()).isEqualTo("https://refeds.org/sirtfi");
    });
    assertThat(e.getContactPersons()).singleElement().satisfies(c -> {
      assertThat(c.getType().toString()).isEqualTo("other");
      assertThat(c.getUnknownAttributes().get(new javax.xml.namespace.QName("http://refeds.org/metadata",
          "contactType"))).isEqualTo("http://refeds.org/metadata/contactType/security");
      assertThat(c.getEmailAddresses().get(0).getURI()).isEqualTo("mailto:security@panosc.example");
    });
  }

  @Test
  void descriptorWhenNothingRequestedThenNoAttributeConsumingServiceAndStillSchemaValid() throws Exception {
    SpMetadata bare = new SpMetadata(SpEndpoints.under(URI.create("https://panosc.example/aai")),
        TestSamlKeys.signing(), TestSamlKeys.encryption(), List.of(), "security@panosc.example",
        Clock.fixed(NOW, ZoneOffset.UTC));
    String xml = bare.signedXml();

    SamlSchema.validate(dom(xml));
    assertThat(((EntityDescriptor) SamlObjects.parse(xml.getBytes(StandardCharsets.UTF_8)))
        .getSPSSODescriptor(SAMLConstants.SAML20P_NS).getAttributeConsumingServices()).isEmpty();
  }

  private static java.security.cert.X509Certificate cert(KeyDescriptor k) {
    try {
      return KeyInfoSupport.getCertificates(k.getKeyInfo()).get(0);
    } catch (java.security.cert.CertificateException e) {
      throw new AssertionError(e);
    }
  }
}
