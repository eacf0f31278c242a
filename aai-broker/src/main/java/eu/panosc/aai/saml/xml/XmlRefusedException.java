package eu.panosc.aai.saml.xml;

import java.util.Objects;

/**
 * Bytes that {@link SamlXml} will not turn into XML objects, with the kind of refusal.
 *
 * @see <a href="https://www.w3.org/TR/xml/#sec-prolog-dtd">XML 1.0 §2.8 (document type declaration)</a>
 */
public final class XmlRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the bytes were refused. */
  public enum Kind {
    /** More bytes than the caller allows. */
    TOO_LARGE,
    /** A document type declaration (DTDs, entities, and so XXE and entity expansion, are never processed). */
    DOCTYPE,
    /** Not well-formed XML, or XML no SAML object is known for. */
    MALFORMED
  }

  private final Kind kind;

  public XmlRefusedException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
