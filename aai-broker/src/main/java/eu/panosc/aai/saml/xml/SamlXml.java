package eu.panosc.aai.saml.xml;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import net.shibboleth.utilities.java.support.component.ComponentInitializationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import net.shibboleth.utilities.java.support.xml.ParserPool;
import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.config.ConfigurationService;
import org.opensaml.core.config.InitializationException;
import org.opensaml.core.config.InitializationService;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistry;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * OpenSAML, initialised once per JVM, with a hardened parser pool registered as the library's own (so the
 * {@code Decrypter}, which parses decrypted plaintext through the registry's pool, is hardened too): DTDs are refused
 * (so neither external entities nor entity expansion can happen), XInclude is off, entity references are not expanded,
 * secure processing limits apply, and no entity or DTD is ever resolved. Comments are kept in the DOM so that a caller
 * can refuse them (a comment inside signed text is not covered by the signature).
 *
 * @see <a href="https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html">OWASP
 *     XXE prevention</a>
 */
public final class SamlXml {
  private static final byte[] DOCTYPE = "<!DOCTYPE".getBytes(StandardCharsets.US_ASCII);
  private static volatile SamlXml instance;

  private final BasicParserPool pool;

  private SamlXml(BasicParserPool pool) {
    this.pool = pool;
  }

  /** The one instance; the first call initialises OpenSAML (a few hundred milliseconds) and registers the pool. */
  public static SamlXml get() {
    SamlXml s = instance;
    if (s == null) {
      synchronized (SamlXml.class) {
        s = instance;
        if (s == null) {
          s = initialise();
          instance = s;
        }
      }
    }
    return s;
  }

  private static SamlXml initialise() {
    try {
      InitializationService.initialize();
    } catch (InitializationException e) {
      throw new IllegalStateException("OpenSAML could not be initialised: " + e.getMessage(), e);
    }
    BasicParserPool pool = hardenedPool();
    XMLObjectProviderRegistry registry = ConfigurationService.get(XMLObjectProviderRegistry.class);
    if (registry == null) {
      throw new IllegalStateException("OpenSAML initialised without an XMLObjectProviderRegistry");
    }
    registry.setParserPool(pool);
    return new SamlXml(pool);
  }

  static BasicParserPool hardenedPool() {
    BasicParserPool pool = new BasicParserPool();
    pool.setMaxPoolSize(64);
    pool.setNamespaceAware(true);
    pool.setCoalescing(true);
    pool.setIgnoreComments(false);
    pool.setExpandEntityReferences(false);
    pool.setXincludeAware(false);
    pool.setDTDValidating(false);
    Map<String, Boolean> features = new HashMap<>();
    features.put(XMLConstants.FEATURE_SECURE_PROCESSING, Boolean.TRUE);
    features.put("http://apache.org/xml/features/disallow-doctype-decl", Boolean.TRUE);
    features.put("http://xml.org/sax/features/external-general-entities", Boolean.FALSE);
    features.put("http://xml.org/sax/features/external-parameter-entities", Boolean.FALSE);
    features.put("http://apache.org/xml/features/nonvalidating/load-external-dtd", Boolean.FALSE);
    pool.setBuilderFeatures(features);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    attributes.put(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    // JDK (com.sun.org.apache.xerces) limits; a DOCTYPE is refused anyway, these bound what remains
    attributes.put("jdk.xml.entityExpansionLimit", "1");
    attributes.put("jdk.xml.maxGeneralEntitySizeLimit", "1");
    attributes.put("jdk.xml.maxParameterEntitySizeLimit", "1");
    attributes.put("jdk.xml.maxElementDepth", "64");
    pool.setBuilderAttributes(attributes);
    pool.setEntityResolver((publicId, systemId) -> {
      throw new SAXException("external entities are not resolved");
    });
    try {
      pool.initialize();
    } catch (ComponentInitializationException e) {
      throw new IllegalStateException("the hardened XML parser pool could not be built: " + e.getMessage(), e);
    }
    return pool;
  }

  /** The hardened pool (also OpenSAML's registered pool). */
  public ParserPool parserPool() {
    return pool;
  }

  /**
   * Parses {@code xml} (at most {@code maxBytes}) with the hardened pool and unmarshals its root element; the DOM stays
   * attached to the returned object (signature verification needs it).
   */
  public XMLObject unmarshal(byte[] xml, int maxBytes) throws XmlRefusedException {
    return unmarshal(parse(xml, maxBytes));
  }

  /** Parses {@code xml} (at most {@code maxBytes}) with the hardened pool; answers the document element. */
  public Element parse(byte[] xml, int maxBytes) throws XmlRefusedException {
    if (xml.length > maxBytes) {
      throw new XmlRefusedException(XmlRefusedException.Kind.TOO_LARGE,
          "the XML has " + xml.length + " bytes, more than the " + maxBytes + " allowed");
    }
    if (indexOf(xml, DOCTYPE) >= 0) {
      throw new XmlRefusedException(XmlRefusedException.Kind.DOCTYPE, "the XML has a document type declaration");
    }
    Document doc;
    try {
      doc = pool.parse(new ByteArrayInputStream(xml));
    } catch (XMLParserException e) {
      String cause = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      if (cause.contains("DOCTYPE")) {
        throw new XmlRefusedException(XmlRefusedException.Kind.DOCTYPE, "the XML has a document type declaration");
      }
      throw new XmlRefusedException(XmlRefusedException.Kind.MALFORMED, "the XML is not well-formed");
    }
    Element root = doc.getDocumentElement();
    if (root == null) {
      throw new XmlRefusedException(XmlRefusedException.Kind.MALFORMED, "the XML has no root element");
    }
    return root;
  }

  /** Unmarshals a parsed element (and its subtree) into OpenSAML objects that keep the DOM. */
  public XMLObject unmarshal(Element root) throws XmlRefusedException {
    Unmarshaller unmarshaller =
        org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(root);
    if (unmarshaller == null) {
      throw new XmlRefusedException(XmlRefusedException.Kind.MALFORMED, "the XML has no known root element");
    }
    try {
      return unmarshaller.unmarshall(root);
    } catch (UnmarshallingException | RuntimeException e) {
      throw new XmlRefusedException(XmlRefusedException.Kind.MALFORMED,
          "the XML does not follow the SAML schema (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
