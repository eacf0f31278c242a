package eu.panosc.registry.saml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Keys, entity XML and an independent (JDK javax.xml.crypto) signer and verifier for the SAML tests. */
public final class SamlFixtures {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private SamlFixtures() {}

  public static String resource(String name) {
    try (InputStream in = SamlFixtures.class.getResourceAsStream("/saml/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static XmlSigning signing(String name) {
    return XmlSigning.fromPem(resource(name + "-key.pem"), resource(name + "-cert.pem"));
  }

  public static X509Certificate certificate(String name) {
    return XmlSigning.readCertificate(resource(name + "-cert.pem"));
  }

  /** Base64 body of a test certificate, as it appears in ds:X509Certificate. */
  static String certificateBase64(String name) {
    return resource(name + "-cert.pem")
        .replace("-----BEGIN CERTIFICATE-----", "")
        .replace("-----END CERTIFICATE-----", "")
        .strip();
  }

  /** A full IdP: mdui names in two languages, logo, SIRTFI, category, RA, scope, security contact. */
  static String idp(String entityId) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- submitted by the facility -->
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
            xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui"
            xmlns:mdattr="urn:oasis:names:tc:SAML:metadata:attribute"
            xmlns:mdrpi="urn:oasis:names:tc:SAML:metadata:rpi"
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
            xmlns:shibmd="urn:mace:shibboleth:metadata:1.0"
            xmlns:remd="http://refeds.org/metadata"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            entityID="%s">
          <md:Extensions>
            <mdrpi:RegistrationInfo registrationAuthority="https://www.panosc.eu/federation"/>
            <mdattr:EntityAttributes>
              <saml:Attribute Name="urn:oasis:names:tc:SAML:attribute:assurance-certification"
                  NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">
                <saml:AttributeValue>https://refeds.org/sirtfi</saml:AttributeValue>
              </saml:Attribute>
              <saml:Attribute Name="http://macedir.org/entity-category"
                  NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">
                <saml:AttributeValue xsi:type="xs:string" xmlns:xs="http://www.w3.org/2001/XMLSchema">http://refeds.org/category/research-and-scholarship</saml:AttributeValue>
              </saml:Attribute>
            </mdattr:EntityAttributes>
          </md:Extensions>
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:Extensions>
              <shibmd:Scope regexp="false">esrf.fr</shibmd:Scope>
              <mdui:UIInfo>
                <mdui:DisplayName xml:lang="fr">Installation européenne de rayonnement synchrotron</mdui:DisplayName>
                <mdui:DisplayName xml:lang="en">European Synchrotron Radiation Facility</mdui:DisplayName>
                <mdui:Description xml:lang="en">ESRF users &amp; staff</mdui:Description>
                <mdui:Logo height="16" width="16">javascript:alert(1)</mdui:Logo>
                <mdui:Logo height="60" width="80">https://www.esrf.fr/logo.png</mdui:Logo>
              </mdui:UIInfo>
            </md:Extensions>
            <md:KeyDescriptor use="signing">
              <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
        %s
              </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
            </md:KeyDescriptor>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
                Location="https://idp.esrf.fr/sso"/>
          </md:IDPSSODescriptor>
          <md:Organization>
            <md:OrganizationName xml:lang="en">ESRF</md:OrganizationName>
            <md:OrganizationDisplayName xml:lang="en">ESRF</md:OrganizationDisplayName>
            <md:OrganizationURL xml:lang="en">https://www.esrf.fr</md:OrganizationURL>
          </md:Organization>
          <md:ContactPerson contactType="other" remd:contactType="http://refeds.org/metadata/contactType/security">
            <md:EmailAddress>mailto:csirt@esrf.fr</md:EmailAddress>
          </md:ContactPerson>
        </md:EntityDescriptor>
        """.formatted(entityId, certificateBase64("registry"));
  }

  /** A minimal SP in the default namespace, named only by its organisation. */
  static String sp(String entityId) {
    return """
        <EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
          <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
                Location="https://sp.example.org/acs" index="0"/>
          </SPSSODescriptor>
          <Organization>
            <OrganizationName xml:lang="de">PSI</OrganizationName>
            <OrganizationDisplayName xml:lang="de">Paul Scherrer Institut</OrganizationDisplayName>
            <OrganizationURL xml:lang="de">https://www.psi.ch</OrganizationURL>
          </Organization>
        </EntityDescriptor>
        """.formatted(entityId);
  }

  static byte[] bytes(String xml) {
    return xml.getBytes(StandardCharsets.UTF_8);
  }

  static Document parse(byte[] xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] serialize(Document doc) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Verifies the root's enveloped signature with the JDK's own XML Signature implementation. */
  public static boolean jdkVerifies(byte[] xml, Key key) {
    try {
      Document doc = parse(xml);
      Element root = doc.getDocumentElement();
      root.setIdAttributeNS(null, "ID", true);
      NodeList signatures = doc.getElementsByTagNameNS(javax.xml.crypto.dsig.XMLSignature.XMLNS, "Signature");
      if (signatures.getLength() != 1 || signatures.item(0).getParentNode() != root) {
        return false;
      }
      DOMValidateContext context = new DOMValidateContext(key, signatures.item(0));
      context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
      XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
      javax.xml.crypto.dsig.XMLSignature signature = factory.unmarshalXMLSignature(context);
      Reference reference = (Reference) signature.getSignedInfo().getReferences().getFirst();
      return reference.getURI().equals("#" + root.getAttribute("ID")) && signature.validate(context);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs an EntitiesDescriptor with the JDK's XML Signature implementation (an independent signer). */
  static byte[] jdkSign(String unsignedXml, String id, Key key, X509Certificate certificate) {
    try {
      Document doc = parse(bytes(unsignedXml));
      Element root = doc.getDocumentElement();
      root.setAttributeNS(null, "ID", id);
      root.setIdAttributeNS(null, "ID", true);
      XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
      Reference reference = f.newReference("#" + id, f.newDigestMethod(DigestMethod.SHA256, null),
          List.of(f.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
              f.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null)),
          null, null);
      SignedInfo signedInfo = f.newSignedInfo(
          f.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec) null),
          f.newSignatureMethod(SignatureMethod.RSA_SHA256, null), List.of(reference));
      KeyInfoFactory kif = f.getKeyInfoFactory();
      DOMSignContext context = new DOMSignContext(key, root, root.getFirstChild());
      context.setDefaultNamespacePrefix("ds");
      f.newXMLSignature(signedInfo, kif.newKeyInfo(List.of(kif.newX509Data(List.of(certificate)))))
          .sign(context);
      return serialize(doc);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static java.security.PrivateKey privateKey(String name) {
    return XmlSigning.readPrivateKey(resource(name + "-key.pem"));
  }
}
