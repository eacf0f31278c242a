package eu.panosc.registry.saml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Validates metadata elements against the OASIS SAML 2.0 metadata schema, as OpenSAML's parser pool does when
 * a Shibboleth SP loads metadata. The schema is compiled once from resources: the two OASIS schemas in
 * {@code eu/panosc/registry/saml/schema/} and the XML Signature, XML Encryption and {@code xml:} schemas that
 * ship in the Santuario jar. Nothing is fetched from the network; extension elements of other namespaces are
 * validated laxly (skipped) as the schema says.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-schema-metadata-2.0.xsd">saml-schema-metadata-2.0.xsd</a>
 */
public final class SamlSchema {
  private static final String OWN = "/eu/panosc/registry/saml/schema/";
  private static final String SANTUARIO = "/bindings/schemas/";
  /** Imported namespaces to the resource that holds their schema. */
  private static final Map<String, String> IMPORTS = Map.of(
      SamlNames.SAML, OWN + "saml-schema-assertion-2.0.xsd",
      SamlNames.DS, SANTUARIO + "xmldsig-core-schema.xsd",
      "http://www.w3.org/2001/04/xmlenc#", SANTUARIO + "xenc-schema.xsd",
      XMLConstants.XML_NS_URI, SANTUARIO + "xml.xsd",
      "http://www.w3.org/2004/08/xop/include", SANTUARIO + "xop-include.xsd");
  private static final int MAX_REPORTED = 3;
  private static final String CURRENT_ELEMENT = "http://apache.org/xml/properties/dom/current-element-node";

  private static final Schema SCHEMA = compile();

  private SamlSchema() {}

  /**
   * Compiles the schema if that has not happened yet (a class initialiser: a second or more on a loaded machine), so
   * that a caller can do it off the event loop before the first {@link #validate}.
   */
  public static void load() {
    Objects.requireNonNull(SCHEMA, "schema");
  }

  /**
   * Validates {@code element} (an {@code md:EntityDescriptor} or {@code md:EntitiesDescriptor}) and its
   * content.
   *
   * @throws MetadataException naming the first schema violations and where they are
   */
  public static void validate(Element element) {
    Validator validator = SCHEMA.newValidator();
    try {
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    } catch (SAXException e) {
      throw new IllegalStateException("the JDK schema validator cannot be configured securely", e);
    }
    List<String> problems = new ArrayList<>();
    validator.setErrorHandler(new ErrorHandler() {
      @Override
      public void warning(SAXParseException e) {
        // warnings do not make metadata invalid
      }

      @Override
      public void error(SAXParseException e) throws SAXException {
        problems.add(describe(e, where(validator)));
        if (problems.size() >= MAX_REPORTED) {
          throw e;
        }
      }

      @Override
      public void fatalError(SAXParseException e) throws SAXException {
        problems.add(describe(e, where(validator)));
        throw e;
      }
    });
    try {
      validator.validate(new DOMSource(element));
    } catch (SAXException e) {
      if (problems.isEmpty()) {
        problems.add(String.valueOf(e.getMessage()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!problems.isEmpty()) {
      throw new MetadataException("metadata does not conform to the SAML 2.0 metadata schema: "
          + String.join("; ", problems));
    }
  }

  private static String where(Validator validator) {
    try {
      if (validator.getProperty(CURRENT_ELEMENT) instanceof Element e) {
        StringBuilder path = new StringBuilder();
        for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
          path.insert(0, "/" + el.getNodeName());
        }
        return path.toString();
      }
    } catch (SAXException e) {
      // the property is a Xerces extension; without it the message stands alone
    }
    return null;
  }

  private static String describe(SAXParseException e, String where) {
    String message = String.valueOf(e.getMessage()).strip();
    if (message.length() > 300) {
      message = message.substring(0, 300) + "…";
    }
    return where == null ? message : message + " (at " + where + ")";
  }

  private static Schema compile() {
    SchemaFactory factory = SchemaFactory.newDefaultInstance();
    try {
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    } catch (SAXException e) {
      throw new IllegalStateException("the JDK schema factory cannot be configured securely", e);
    }
    factory.setResourceResolver(new Imports());
    String main = OWN + "saml-schema-metadata-2.0.xsd";
    try (InputStream in = open(main)) {
      StreamSource source = new StreamSource(in, main);
      return factory.newSchema(source);
    } catch (SAXException | IOException e) {
      throw new IllegalStateException("the SAML 2.0 metadata schema cannot be loaded from " + main, e);
    }
  }

  private static InputStream open(String resource) {
    InputStream in = SamlSchema.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("schema resource " + resource + " is missing from the classpath");
    }
    return in;
  }

  /** Resolves every import by namespace to a classpath resource; anything else is refused. */
  private static final class Imports implements LSResourceResolver {
    @Override
    public LSInput resolveResource(String type, String namespace, String publicId, String systemId,
        String baseUri) {
      String resource = namespace == null ? null : IMPORTS.get(namespace);
      if (resource == null) {
        throw new IllegalStateException("the SAML schema imports an unknown namespace " + namespace);
      }
      return new Resource(resource, open(resource));
    }
  }

  /** One schema document read from the classpath. */
  private record Resource(String systemId, InputStream stream) implements LSInput {
    @Override
    public java.io.Reader getCharacterStream() {
      return null;
    }

    @Override
    public void setCharacterStream(java.io.Reader characterStream) {}

    @Override
    public InputStream getByteStream() {
      return stream;
    }

    @Override
    public void setByteStream(InputStream byteStream) {}

    @Override
    public String getStringData() {
      return null;
    }

    @Override
    public void setStringData(String stringData) {}

    @Override
    public String getSystemId() {
      return systemId;
    }

    @Override
    public void setSystemId(String systemId) {}

    @Override
    public String getPublicId() {
      return null;
    }

    @Override
    public void setPublicId(String publicId) {}

    @Override
    public String getBaseURI() {
      return null;
    }

    @Override
    public void setBaseURI(String baseURI) {}

    @Override
    public String getEncoding() {
      return null;
    }

    @Override
    public void setEncoding(String encoding) {}

    @Override
    public boolean getCertifiedText() {
      return false;
    }

    @Override
    public void setCertifiedText(boolean certifiedText) {}
  }
}
