package eu.panosc.benchmarks.registry;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks of a signed {@code md:EntitiesDescriptor}: a cheap one for every measured call and a full one
 * (JDK {@code javax.xml.crypto.dsig}, independent of Santuario) for once per iteration.
 */
final class AggregateChecks {
  static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
  private static final byte[] ROOT_START = "<md:EntitiesDescriptor ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENTITY_ID = " entityID=\"".getBytes(StandardCharsets.US_ASCII);

  private AggregateChecks() {}

  /**
   * Cheap check: non-empty, the root (after an optional XML declaration) is {@code md:EntitiesDescriptor},
   * and exactly {@code entities} {@code entityID="} attributes occur (one linear byte scan).
   */
  static byte[] checkCheaply(byte[] xml, int entities) {
    if (xml == null || xml.length == 0) {
      throw new IllegalStateException("aggregate is empty");
    }
    int start = 0;
    if (startsWith(xml, 0, "<?xml".getBytes(StandardCharsets.US_ASCII))) {
      start = indexOf(xml, (byte) '>', 0) + 1;
      while (start < xml.length && (xml[start] == '\n' || xml[start] == '\r' || xml[start] == ' ')) {
        start++;
      }
    }
    if (!startsWith(xml, start, ROOT_START)) {
      throw new IllegalStateException("aggregate does not start with <md:EntitiesDescriptor: "
          + new String(xml, 0, Math.min(120, xml.length), StandardCharsets.UTF_8));
    }
    int count = countEntityIds(xml);
    if (count != entities) {
      throw new IllegalStateException("aggregate has " + count + " entityID attributes, expected " + entities);
    }
    return xml;
  }

  /** Occurrences of {@code  entityID="}; the generated entities carry it on EntityDescriptor only. */
  static int countEntityIds(byte[] xml) {
    int count = 0;
    int last = xml.length - ENTITY_ID.length;
    byte first = ENTITY_ID[1];
    for (int i = 1; i <= last + 1; i++) {
      if (xml[i] == first && xml[i - 1] == ' ' && startsWith(xml, i - 1, ENTITY_ID)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Full check with the JDK's XML Signature API (secure validation on): exactly one enveloped signature,
   * first child of the root, its one reference names the root's ID, and it validates with {@code key};
   * the root has exactly {@code entities} md:EntityDescriptor children.
   */
  static void verifyFully(byte[] xml, PublicKey key, int entities) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
      Element root = doc.getDocumentElement();
      if (!MD.equals(root.getNamespaceURI()) || !"EntitiesDescriptor".equals(root.getLocalName())) {
        throw new IllegalStateException("root is not md:EntitiesDescriptor");
      }
      root.setIdAttributeNS(null, "ID", true);
      NodeList signatures = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
      if (signatures.getLength() != 1 || signatures.item(0).getParentNode() != root
          || firstElementChild(root) != signatures.item(0)) {
        throw new IllegalStateException("expected one ds:Signature as the root's first child, found "
            + signatures.getLength());
      }
      DOMValidateContext context = new DOMValidateContext(key, signatures.item(0));
      context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
      XMLSignature signature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context);
      List<?> references = signature.getSignedInfo().getReferences();
      if (references.size() != 1 || !("#" + root.getAttribute("ID")).equals(((Reference) references.getFirst()).getURI())) {
        throw new IllegalStateException("the signature does not reference the root element");
      }
      if (!signature.validate(context)) {
        throw new IllegalStateException("the aggregate's signature does not validate (JDK javax.xml.crypto.dsig)");
      }
      int count = 0;
      for (org.w3c.dom.Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && MD.equals(e.getNamespaceURI()) && "EntityDescriptor".equals(e.getLocalName())) {
          count++;
        }
      }
      if (count != entities) {
        throw new IllegalStateException("aggregate has " + count + " md:EntityDescriptor children, expected " + entities);
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("aggregate could not be verified: " + e, e);
    }
  }

  private static Element firstElementChild(Element parent) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        return e;
      }
    }
    return null;
  }

  static boolean startsWith(byte[] a, int offset, byte[] prefix) {
    if (offset < 0 || offset + prefix.length > a.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
