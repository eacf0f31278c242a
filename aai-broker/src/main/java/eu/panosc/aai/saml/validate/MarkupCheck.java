package eu.panosc.aai.saml.validate;

import java.util.HashSet;
import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The document's shape, checked on the parsed DOM before anything is unmarshalled or any signature looked at (signature-wrapping defence): no comments or processing
 * instructions (canonicalisation drops them, so a comment inside signed text, e.g. {@code user@evil<!---->.com}, would
 * not break the signature); exactly one Response (the root) and exactly one Assertion or EncryptedAssertion (none only
 * in a failure answer, whose top-level status is not Success), a direct
 * child of it; no ID value twice (a reference {@code #id} must name one element only).
 *
 * @see <a href="https://www.usenix.org/system/files/conference/usenixsecurity12/sec12-final91.pdf">On Breaking SAML
 *     (XSW)</a>
 */
final class MarkupCheck {
  static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String DS = "http://www.w3.org/2000/09/xmldsig#";
  static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
  /** Elements whose text is base64: the library's decoder skips foreign characters, we do not. */
  private static final java.util.Set<String> BASE64 =
      java.util.Set.of("SignatureValue", "DigestValue", "CipherValue", "X509Certificate");

  private MarkupCheck() {}

  /** Whether the Response's top-level StatusCode (its direct Status child) is Success. */
  private static boolean successStatus(Element root) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element status && PROTOCOL.equals(status.getNamespaceURI())
          && "Status".equals(status.getLocalName())) {
        for (Node c = status.getFirstChild(); c != null; c = c.getNextSibling()) {
          if (c instanceof Element code && PROTOCOL.equals(code.getNamespaceURI())
              && "StatusCode".equals(code.getLocalName())) {
            return "urn:oasis:names:tc:SAML:2.0:status:Success".equals(code.getAttributeNS(null, "Value"));
          }
        }
      }
    }
    return false;
  }

  /** Checks the parsed document before anything is unmarshalled or verified. */
  static void check(Element root) {
    if (!PROTOCOL.equals(root.getNamespaceURI()) || !"Response".equals(root.getLocalName())) {
      throw Check.reject(Reason.MALFORMED, "the SAMLResponse is not a SAML 2.0 protocol Response");
    }
    Counts counts = walk(root);
    String id = printable(root.getAttributeNS(null, "ID"));
    envelope(root, id);
    if (counts.responses != 1) {
      throw Check.reject(Reason.WRAPPING, "Response " + id + " contains another Response");
    }
    int direct = 0;
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && ASSERTION.equals(e.getNamespaceURI())
          && ("Assertion".equals(e.getLocalName()) || "EncryptedAssertion".equals(e.getLocalName()))) {
        direct++;
      }
    }
    int all = counts.assertions + counts.encryptedAssertions;
    if (direct == 0 && all == 0 && !successStatus(root)) {
      // an IdP's failure answer (e.g. NoAuthnContext) carries no assertion; the status check refuses it with its code
      return;
    }
    if (direct != 1 || all != 1) {
      throw Check.reject(Reason.WRAPPING, "Response " + id + " must hold exactly one Assertion or EncryptedAssertion"
          + " as its child; it holds " + direct + " as children and " + all + " in all");
    }
  }

  /**
   * The Response element as the schema has it (OpenSAML's unmarshaller would let a repeated element silently win):
   * ID, Version 2.0 and IssueInstant; children Issuer?, Signature?, Extensions?, Status, then assertions; no text.
   */
  private static void envelope(Element root, String id) {
    if (root.getAttributeNS(null, "ID").isEmpty() || !"2.0".equals(root.getAttributeNS(null, "Version"))
        || root.getAttributeNS(null, "IssueInstant").isEmpty()) {
      throw Check.reject(Reason.MALFORMED, "Response " + id + " lacks ID, Version 2.0 or IssueInstant");
    }
    int stage = 0;
    boolean status = false;
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE) {
        if (!n.getNodeValue().isBlank()) {
          throw Check.reject(Reason.MALFORMED, "Response " + id + " has text outside its elements");
        }
        continue;
      }
      if (!(n instanceof Element e)) {
        continue;
      }
      int at = position(e);
      // each optional element at most once and in schema order; assertions (stage 5) may not be followed by others
      if (at < 0 || at < stage || (at == stage && at < 5)) {
        throw Check.reject(Reason.MALFORMED, "Response " + id + " has an unexpected, repeated or misplaced <"
            + printable(e.getLocalName()) + ">");
      }
      stage = at;
      status |= at == 4;
    }
    if (!status) {
      throw Check.reject(Reason.MALFORMED, "Response " + id + " has no Status");
    }
  }

  /** Schema position of a child of Response: Issuer 1, Signature 2, Extensions 3, Status 4, assertions 5; else -1. */
  private static int position(Element e) {
    String ns = e.getNamespaceURI();
    String local = e.getLocalName();
    if (ASSERTION.equals(ns)) {
      return "Issuer".equals(local) ? 1 : "Assertion".equals(local) || "EncryptedAssertion".equals(local) ? 5 : -1;
    }
    if (DS.equals(ns)) {
      return "Signature".equals(local) ? 2 : -1;
    }
    if (PROTOCOL.equals(ns)) {
      return "Extensions".equals(local) ? 3 : "Status".equals(local) ? 4 : -1;
    }
    return -1;
  }

  /** The same rules for a decrypted assertion: no markup outside the signature, no nested assertion, unique IDs. */
  static void checkDecrypted(Element assertion) {
    Counts counts = walk(assertion);
    if (counts.assertions != 1 || counts.responses != 0 || counts.encryptedAssertions != 0) {
      throw Check.reject(Reason.WRAPPING, "the decrypted assertion contains another Assertion or Response");
    }
  }

  private static final class Counts {
    int responses;
    int assertions;
    int encryptedAssertions;
    final Set<String> ids = new HashSet<>();
  }

  private static Counts walk(Element root) {
    Counts counts = new Counts();
    // iterative depth-first walk: the parser bounds the depth, this keeps the stack flat anyway
    Node node = root;
    while (node != null) {
      visit(node, counts);
      Node next = node.getFirstChild();
      if (next == null) {
        while (node != null && node != root && node.getNextSibling() == null) {
          node = node.getParentNode();
        }
        next = node == null || node == root ? null : node.getNextSibling();
      }
      node = next;
    }
    return counts;
  }

  private static void visit(Node node, Counts counts) {
    switch (node.getNodeType()) {
      case Node.COMMENT_NODE -> throw Check.reject(Reason.UNSIGNED_MARKUP,
          "the Response contains an XML comment, which no signature covers");
      case Node.PROCESSING_INSTRUCTION_NODE -> throw Check.reject(Reason.UNSIGNED_MARKUP,
          "the Response contains a processing instruction, which no signature covers");
      case Node.ENTITY_REFERENCE_NODE -> throw Check.reject(Reason.DOCTYPE, "the Response contains an entity reference");
      case Node.ELEMENT_NODE -> {
        Element e = (Element) node;
        String ns = e.getNamespaceURI();
        String local = e.getLocalName();
        if (PROTOCOL.equals(ns) && "Response".equals(local)) {
          counts.responses++;
        } else if (ASSERTION.equals(ns) && "Assertion".equals(local)) {
          counts.assertions++;
        } else if (ASSERTION.equals(ns) && "EncryptedAssertion".equals(local)) {
          counts.encryptedAssertions++;
        }
        NamedNodeMap attributes = e.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
          Attr a = (Attr) attributes.item(i);
          String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
          if (("ID".equals(name) || "Id".equals(name) || "id".equals(name)) && !counts.ids.add(a.getValue())) {
            throw Check.reject(Reason.WRAPPING, "the ID " + printable(a.getValue()) + " appears twice");
          }
        }
      }
      case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
        Node parent = node.getParentNode();
        String ns = parent.getNamespaceURI();
        if ((DS.equals(ns) || XENC.equals(ns)) && BASE64.contains(parent.getLocalName())
            && !isBase64(node.getNodeValue())) {
          throw Check.reject(Reason.MALFORMED, "the Response has a " + parent.getLocalName() + " that is not base64");
        }
      }
      default -> {
        // attributes are read with their elements; nothing else carries content
      }
    }
  }

  static String printable(String id) {
    if (id == null) {
      return "(none)";
    }
    String cut = id.length() > 80 ? id.substring(0, 80) + "…" : id;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  private static boolean isBase64(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
          || c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
