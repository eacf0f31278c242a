package eu.panosc.aai.saml.validate;

import java.io.ByteArrayInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Test helper: a plain namespace-aware DOM of fixture XML, to craft attacks the IdP would never build. */
final class Dom {
  static final String SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String DS = "http://www.w3.org/2000/09/xmldsig#";

  private Dom() {}

  static Document parse(byte[] xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(Document doc) {
    return FixtureIdp.serialize(doc.getDocumentElement());
  }

  static Element first(Node scope, String ns, String local) {
    NodeList list = scope instanceof Document d ? d.getElementsByTagNameNS(ns, local)
        : ((Element) scope).getElementsByTagNameNS(ns, local);
    return (Element) list.item(0);
  }

  /** The direct ds:Signature child of {@code parent}, or null. */
  static Element signatureOf(Element parent) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && DS.equals(e.getNamespaceURI()) && "Signature".equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  static Element assertion(Document doc) {
    return first(doc, SAML, "Assertion");
  }

  static void setNameId(Element scope, String value) {
    first(scope, SAML, "NameID").setTextContent(value);
  }
}
