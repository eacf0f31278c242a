package eu.panosc.registry.saml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Namespace-aware DOM parsing hardened for untrusted metadata: no DTD at all (so no internal or external
 * entities, no entity expansion), no external DTD or schema access, no XInclude, secure processing and a
 * size limit checked before parsing. Every failure is a {@link MetadataException}.
 *
 * @see <a href="https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html">OWASP XXE prevention</a>
 */
public final class SafeXml {
  /** Limit for one submitted entity: real entities are 5–50 KB. */
  public static final int DEFAULT_ENTITY_LIMIT = 1 << 20;
  /** Limit for an upstream aggregate: eduGAIN is about 50 MB. */
  public static final int DEFAULT_AGGREGATE_LIMIT = 256 << 20;

  static final String NO_DTD = "metadata XML must not contain a DTD";
  private static final int MAX_PARSER_MESSAGE = 200;

  private final DocumentBuilderFactory factory;
  private final ThreadLocal<DocumentBuilder> builders;
  private final int maxBytes;

  /** A parser that rejects documents larger than {@code maxBytes}. */
  public SafeXml(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
    this.factory = hardenedFactory();
    this.builders = ThreadLocal.withInitial(this::newBuilder);
  }

  /** The size limit in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Parses {@code xml} into a DOM document.
   *
   * @throws MetadataException if the input is too large, empty, contains a DOCTYPE or is not well-formed
   */
  public Document parse(byte[] xml) {
    if (xml == null || xml.length == 0) {
      throw new MetadataException("metadata XML is empty");
    }
    if (xml.length > maxBytes) {
      throw new MetadataException(
          "metadata XML is " + xml.length + " bytes, more than the limit of " + maxBytes + " bytes");
    }
    if (prologHasDoctype(xml)) {
      throw new MetadataException(NO_DTD);
    }
    DocumentBuilder builder = builders.get();
    builder.reset();
    builder.setErrorHandler(THROWING);
    builder.setEntityResolver(
        (publicId, systemId) -> {
          throw new SAXException("external resources are not allowed");
        });
    try {
      return builder.parse(new InputSource(new ByteArrayInputStream(xml)));
    } catch (SAXParseException e) {
      throw malformed(e);
    } catch (SAXException e) {
      throw new MetadataException("metadata XML is malformed: " + shorten(e.getMessage()), e);
    } catch (IOException e) {
      throw new MetadataException("metadata XML could not be read", e);
    }
  }

  private static MetadataException malformed(SAXParseException e) {
    String message = String.valueOf(e.getMessage());
    // backstop for a DOCTYPE the prolog scan could not see (e.g. an exotic encoding)
    if (message.contains("DOCTYPE") || message.contains("disallow-doctype-decl")) {
      return new MetadataException(NO_DTD, e);
    }
    return new MetadataException(
        "metadata XML is malformed at line " + e.getLineNumber() + ": " + shorten(message), e);
  }

  private static String shorten(String message) {
    String m = message == null ? "unknown error" : message.strip();
    return m.length() <= MAX_PARSER_MESSAGE ? m : m.substring(0, MAX_PARSER_MESSAGE) + "…";
  }

  /**
   * Looks for {@code <!DOCTYPE} in the prolog (after the XML declaration, comments and processing
   * instructions, before the first element), so a DTD gets its own clear message whatever the parser's
   * locale. UTF-16 input is recognised by its first bytes; other ASCII-compatible encodings are scanned as
   * Latin-1.
   */
  static boolean prologHasDoctype(byte[] xml) {
    int limit = Math.min(xml.length, 64 * 1024);
    String head;
    if (limit >= 2 && ((xml[0] == (byte) 0xFE && xml[1] == (byte) 0xFF) || (xml[0] == 0 && xml[1] == '<'))) {
      head = new String(xml, 0, limit, StandardCharsets.UTF_16BE);
    } else if (limit >= 2
        && ((xml[0] == (byte) 0xFF && xml[1] == (byte) 0xFE) || (xml[0] == '<' && xml[1] == 0))) {
      head = new String(xml, 0, limit, StandardCharsets.UTF_16LE);
    } else {
      head = new String(xml, 0, limit, StandardCharsets.ISO_8859_1);
    }
    int i = 0;
    int n = head.length();
    while (i < n) {
      char c = head.charAt(i);
      if (c == '\uFEFF' || c == '\u00EF' || c == '\u00BB' || c == '\u00BF' || Character.isWhitespace(c)) {
        i++; // BOM (decoded or as Latin-1 bytes) and white space
      } else if (head.startsWith("<?", i)) {
        int end = head.indexOf("?>", i + 2);
        if (end < 0) {
          return false;
        }
        i = end + 2;
      } else if (head.startsWith("<!--", i)) {
        int end = head.indexOf("-->", i + 4);
        if (end < 0) {
          return false;
        }
        i = end + 3;
      } else {
        return head.regionMatches(true, i, "<!DOCTYPE", 0, 9);
      }
    }
    return false;
  }

  private DocumentBuilder newBuilder() {
    try {
      return factory.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK XML parser cannot be configured securely", e);
    }
  }

  private static DocumentBuilderFactory hardenedFactory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK XML parser cannot be configured securely", e);
    }
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setNamespaceAware(true);
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setValidating(false);
    f.setIgnoringComments(false);
    return f;
  }

  private static final ErrorHandler THROWING =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
          // warnings do not make metadata unsafe
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
          throw e;
        }
      };
}
