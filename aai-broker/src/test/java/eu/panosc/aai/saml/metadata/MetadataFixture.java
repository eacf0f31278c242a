package eu.panosc.aai.saml.metadata;

import eu.panosc.aai.saml.xml.SamlXml;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.util.XMLObjectSupport;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.security.credential.CredentialSupport;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

/** A test fixture, not a test: keys, IdP metadata XML, and a signer that signs a document's root as a publisher does. */
final class MetadataFixture {
  static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");
  static final KeyMaterial FEDERATION = KeyMaterial.generate("federation");
  static final KeyMaterial OTHER = KeyMaterial.generate("other");
  static final KeyMaterial IDP_SIGNING = KeyMaterial.generate("idp-signing");
  static final KeyMaterial IDP_ENCRYPTION = KeyMaterial.generate("idp-encryption");

  private MetadataFixture() {}

  record KeyMaterial(KeyPair keys, X509Certificate certificate) {
    static KeyMaterial generate(String name) {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(name.hashCode() & 0x7fffffff),
            Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2040-01-01T00:00:00Z")),
            subject, keys.getPublic());
        X509Certificate cert = new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        return new KeyMaterial(keys, cert);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    String base64() {
      try {
        return Base64.getEncoder().encodeToString(certificate.getEncoded());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A full IdP EntityDescriptor, as a federation publishes one. */
  static String idp(String entityId, String validUntil) {
    return "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
        + " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:shibmd=\"urn:mace:shibboleth:metadata:1.0\""
        + " xmlns:mdattr=\"urn:oasis:names:tc:SAML:metadata:attribute\""
        + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\""
        + " entityID=\"" + entityId + "\"" + (validUntil == null ? "" : " validUntil=\"" + validUntil + "\"") + ">"
        + "<md:Extensions><mdattr:EntityAttributes>"
        + "<saml:Attribute Name=\"urn:oasis:names:tc:SAML:attribute:assurance-certification\""
        + " NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">"
        + "<saml:AttributeValue>https://refeds.org/sirtfi</saml:AttributeValue>"
        + "<saml:AttributeValue>https://refeds.org/assurance</saml:AttributeValue></saml:Attribute>"
        + "</mdattr:EntityAttributes></md:Extensions>"
        + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        + "<md:Extensions><shibmd:Scope regexp=\"false\">example.org</shibmd:Scope>"
        + "<shibmd:Scope regexp=\"true\">^.+\\.example\\.org$</shibmd:Scope>"
        + "<mdui:UIInfo><mdui:DisplayName xml:lang=\"de\">Beispiel</mdui:DisplayName>"
        + "<mdui:DisplayName xml:lang=\"en\">Example University</mdui:DisplayName></mdui:UIInfo></md:Extensions>"
        + "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
        + IDP_SIGNING.base64() + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        + "<md:KeyDescriptor use=\"encryption\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
        + IDP_ENCRYPTION.base64() + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        + "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
        + " Location=\"https://idp.example.org/slo/redirect\"/>"
        + "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"
        + "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>"
        + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
        + " Location=\"https://idp.example.org/sso/redirect\"/>"
        + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
        + " Location=\"https://idp.example.org/sso/post\"/>"
        + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:SOAP\""
        + " Location=\"https://idp.example.org/sso/soap\"/>"
        + "</md:IDPSSODescriptor>"
        + "<md:Organization><md:OrganizationName xml:lang=\"en\">Example</md:OrganizationName>"
        + "<md:OrganizationDisplayName xml:lang=\"en\">Example Org</md:OrganizationDisplayName>"
        + "<md:OrganizationURL xml:lang=\"en\">https://example.org/</md:OrganizationURL></md:Organization>"
        + "</md:EntityDescriptor>";
  }

  /** A small IdP: one unspecified-use key, one Redirect SSO endpoint. */
  static String smallIdp(String entityId) {
    return "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
        + " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"" + entityId + "\">"
        + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        + "<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>" + IDP_SIGNING.base64()
        + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\""
        + " Location=\"" + entityId + "/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
  }

  /** An SP (not an IdP: never answered by a lookup). */
  static String sp(String entityId) {
    return "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"" + entityId + "\">"
        + "<md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        + "<md:AssertionConsumerService index=\"0\" Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\""
        + " Location=\"https://sp.example.org/acs\"/></md:SPSSODescriptor></md:EntityDescriptor>";
  }

  /** An aggregate of {@code entities} (without their XML declarations or namespaces repeated). */
  static String aggregate(String validUntil, String cacheDuration, String... entities) {
    StringBuilder b = new StringBuilder("<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"");
    if (validUntil != null) {
      b.append(" validUntil=\"").append(validUntil).append('"');
    }
    if (cacheDuration != null) {
      b.append(" cacheDuration=\"").append(cacheDuration).append('"');
    }
    b.append(" Name=\"test\">");
    for (String e : entities) {
      b.append(e);
    }
    return b.append("</md:EntitiesDescriptor>").toString();
  }

  static byte[] bytes(String xml) {
    return xml.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code xml} with its root signed by {@code key} (enveloped, exclusive c14n, RSA-SHA256), ID added. */
  static byte[] signed(String xml, KeyMaterial key) {
    return signed(xml, key, SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256, SignatureConstants.ALGO_ID_DIGEST_SHA256);
  }

  /** {@code xml} with its root signed by {@code key} with the given signature and digest algorithms. */
  static byte[] signed(String xml, KeyMaterial key, String signatureAlgorithm, String digestAlgorithm) {
    try {
      var root = SamlXml.get().unmarshal(bytes(xml), Integer.MAX_VALUE);
      if (root instanceof EntitiesDescriptor es) {
        es.setID("_agg" + Math.abs(xml.hashCode()));
      } else {
        ((EntityDescriptor) root).setID("_ent" + Math.abs(xml.hashCode()));
      }
      Signature signature = (Signature) XMLObjectProviderRegistrySupport.getBuilderFactory()
          .getBuilderOrThrow(Signature.DEFAULT_ELEMENT_NAME).buildObject(Signature.DEFAULT_ELEMENT_NAME);
      signature.setSigningCredential(
          CredentialSupport.getSimpleCredential(key.certificate(), key.keys().getPrivate()));
      signature.setSignatureAlgorithm(signatureAlgorithm);
      signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
      ((org.opensaml.saml.common.SignableSAMLObject) root).setSignature(signature);
      ((org.opensaml.saml.common.SAMLObjectContentReference) signature.getContentReferences().get(0))
          .setDigestAlgorithm(digestAlgorithm);
      root.releaseDOM();
      root.releaseChildrenDOM(true);
      var element = XMLObjectSupport.marshall(root);
      Signer.signObject(signature);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      SerializeSupport.writeNode(element, out);
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
