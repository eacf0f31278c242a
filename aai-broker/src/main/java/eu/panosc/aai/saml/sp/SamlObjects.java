package eu.panosc.aai.saml.sp;

import eu.panosc.aai.saml.xml.SamlXml;
import java.io.ByteArrayInputStream;
import javax.xml.namespace.QName;
import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.MarshallingException;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.saml.common.SAMLObjectContentReference;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.security.credential.UsageType;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.keyinfo.impl.X509KeyInfoGeneratorFactory;
import org.opensaml.xmlsec.signature.KeyInfo;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.Signer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The OpenSAML plumbing the SAML sending side and the demo IdP share: initialisation (once), building, marshalling,
 * enveloped signing (RSA-SHA256, exclusive c14n, SHA-256 digest, the signer's certificate as KeyInfo) and hardened
 * parsing of messages we receive (no DTD, no external entities, no XInclude).
 *
 * <p>Initialisation and the hardened parser pool are {@link SamlXml}'s (one pool for everything SAML parses).
 */
public final class SamlObjects {
  private SamlObjects() {}

  /** Initialises OpenSAML once per class loader, through {@link SamlXml} (safe to call from every constructor). */
  public static void init() {
    SamlXml.get();
  }

  /** A new, empty SAML object of the element {@code name}. */
  @SuppressWarnings("unchecked")
  public static <T extends XMLObject> T build(QName name) {
    init();
    var builder = XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilder(name);
    if (builder == null) {
      throw new IllegalStateException("no OpenSAML builder for " + name);
    }
    return (T) builder.buildObject(name);
  }

  /** A new SAML object of the element {@code name} with the schema type {@code type} (xsi:type). */
  @SuppressWarnings("unchecked")
  public static <T extends XMLObject> T build(QName name, QName type) {
    init();
    return (T) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilder(type).buildObject(name, type);
  }

  /** The object as DOM (marshalled now, or its existing DOM). */
  /** A Status with the top-level code {@code status} and, when not null, the second-level code {@code subStatus}. */
  public static org.opensaml.saml.saml2.core.Status status(String status, String subStatus) {
    org.opensaml.saml.saml2.core.Status s = build(org.opensaml.saml.saml2.core.Status.DEFAULT_ELEMENT_NAME);
    org.opensaml.saml.saml2.core.StatusCode code = build(org.opensaml.saml.saml2.core.StatusCode.DEFAULT_ELEMENT_NAME);
    code.setValue(status);
    if (subStatus != null) {
      org.opensaml.saml.saml2.core.StatusCode sub = build(org.opensaml.saml.saml2.core.StatusCode.DEFAULT_ELEMENT_NAME);
      sub.setValue(subStatus);
      code.setStatusCode(sub);
    }
    s.setStatusCode(code);
    return s;
  }

  public static Element marshal(XMLObject object) {
    init();
    try {
      return XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(object).marshall(object);
    } catch (MarshallingException e) {
      throw new IllegalStateException("cannot marshal " + object.getElementQName() + ": " + e.getMessage(), e);
    }
  }

  /** The object as an XML document string (UTF-8 text, no pretty printing, so signatures stay valid). */
  public static String toXml(XMLObject object) {
    return SerializeSupport.nodeToString(marshal(object));
  }

  /** Signs {@code object} (enveloped, RSA-SHA256) with {@code credential}; the result is marshalled and signed. */
  public static Element sign(SignableSAMLObject object, BasicX509Credential credential) {
    Signature signature = build(Signature.DEFAULT_ELEMENT_NAME);
    signature.setSigningCredential(credential);
    signature.setSignatureAlgorithm(SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
    signature.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    signature.setKeyInfo(keyInfo(credential));
    object.setSignature(signature);
    ((SAMLObjectContentReference) signature.getContentReferences().get(0))
        .setDigestAlgorithm(SignatureConstants.ALGO_ID_DIGEST_SHA256);
    Element element = marshal(object);
    try {
      Signer.signObject(signature);
    } catch (SignatureException e) {
      throw new IllegalStateException("cannot sign " + object.getElementQName() + ": " + e.getMessage(), e);
    }
    return element;
  }

  /** The credential's certificate as a KeyInfo. */
  public static KeyInfo keyInfo(BasicX509Credential credential) {
    X509KeyInfoGeneratorFactory factory = new X509KeyInfoGeneratorFactory();
    factory.setEmitEntityCertificate(true);
    try {
      return factory.newInstance().generate(credential);
    } catch (org.opensaml.security.SecurityException e) {
      throw new IllegalStateException("cannot describe the key: " + e.getMessage(), e);
    }
  }

  /** A KeyInfo for a bare certificate (metadata KeyDescriptors). */
  public static KeyInfo keyInfo(java.security.cert.X509Certificate certificate) {
    BasicX509Credential c = new BasicX509Credential(certificate);
    c.setUsageType(UsageType.UNSPECIFIED);
    return keyInfo(c);
  }

  /**
   * Parses a message we received with the hardened parser and unmarshals its document element.
   *
   * @throws SamlMessageException when it is not well-formed XML, has a DTD, or is no SAML object
   */
  public static XMLObject parse(byte[] xml) {
    init();
    try {
      Document doc = SamlXml.get().parserPool().parse(new ByteArrayInputStream(xml));
      Element root = doc.getDocumentElement();
      var unmarshaller = XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(root);
      if (unmarshaller == null) {
        throw new SamlMessageException("the message is not a SAML element: " + root.getLocalName());
      }
      return unmarshaller.unmarshall(root);
    } catch (XMLParserException e) {
      throw new SamlMessageException("the message is not acceptable XML (malformed, or with a DTD)");
    } catch (UnmarshallingException e) {
      throw new SamlMessageException("the message is not a well-formed SAML element");
    }
  }
}
