package eu.panosc.aai.saml.validate;

import eu.panosc.aai.attributes.names.SamlAttribute;
import eu.panosc.platform.input.Input;
import eu.panosc.platform.input.InvalidInputException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.AuthnContext;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.w3c.dom.Element;

/**
 * Reads the {@link ValidatedLogin} from the verified assertion only, under the platform's input rule (identifiers and
 * text without control characters, bounded; attribute values may span lines). Runs after every check passed.
 */
final class LoginReader {
  static final int MAX_VALUE = 4096;
  static final int MAX_VALUES = 256;

  ValidatedLogin read(Inspection in) {
    try {
      return readChecked(in);
    } catch (InvalidInputException e) {
      throw Check.reject(Reason.MALFORMED, "Assertion " + MarkupCheck.printable(in.assertion().getID())
          + " carries a value that cannot be stored: " + e.getMessage());
    }
  }

  private ValidatedLogin readChecked(Inspection in) {
    Assertion a = in.assertion();
    Subject subject = a.getSubject();
    NameID nameId = subject.getNameID();
    if (nameId == null && subject.getEncryptedID() != null) {
      throw Check.reject(Reason.MALFORMED, "Assertion " + MarkupCheck.printable(a.getID())
          + " carries an encrypted NameID, which is not supported; ask the IdP to encrypt the assertion instead");
    }
    AuthnStatement authn = a.getAuthnStatements().get(0);
    AuthnContext context = authn.getAuthnContext();
    String classRef = context == null || context.getAuthnContextClassRef() == null ? null
        : context.getAuthnContextClassRef().getURI();
    List<SamlAttribute> attributes = new ArrayList<>();
    for (AttributeStatement statement : a.getAttributeStatements()) {
      for (Attribute attribute : statement.getAttributes()) {
        attributes.add(attribute(attribute));
      }
    }
    return new ValidatedLogin(
        Input.id("Issuer", a.getIssuer().getValue()),
        Input.id("Response ID", in.response.getID()),
        Input.id("Assertion ID", a.getID()),
        Input.instant("NotOnOrAfter", notOnOrAfter(in), true),
        nameId == null ? null : Input.id("NameID", nameId.getValue(), 1024),
        nameId == null ? null : Input.text("NameID Format", nameId.getFormat(), 1024, false),
        nameId == null ? null : Input.text("NameQualifier", nameId.getNameQualifier(), 1024, false),
        nameId == null ? null : Input.text("SPNameQualifier", nameId.getSPNameQualifier(), 1024, false),
        Input.text("SessionIndex", authn.getSessionIndex(), 1024, false),
        Input.text("AuthnContextClassRef", classRef, 1024, false),
        Input.instant("AuthnInstant", authn.getAuthnInstant(), true),
        attributes);
  }

  /** The earliest end of the bearer confirmation (required) and the Conditions (optional). */
  private static Instant notOnOrAfter(Inspection in) {
    Instant end = null;
    for (SubjectConfirmation c : in.assertion().getSubject().getSubjectConfirmations()) {
      if (SubjectConfirmation.METHOD_BEARER.equals(c.getMethod()) && c.getSubjectConfirmationData() != null
          && c.getSubjectConfirmationData().getNotOnOrAfter() != null) {
        Instant t = c.getSubjectConfirmationData().getNotOnOrAfter();
        end = end == null || t.isAfter(end) ? t : end;
      }
    }
    Instant conditions = in.assertion().getConditions().getNotOnOrAfter();
    if (conditions != null && (end == null || conditions.isBefore(end))) {
      end = conditions;
    }
    return end;
  }

  private static SamlAttribute attribute(Attribute attribute) {
    String name = Input.id("Attribute Name", attribute.getName(), 1024);
    if (attribute.getAttributeValues().size() > MAX_VALUES) {
      throw new InvalidInputException("Attribute " + name, "has more than " + MAX_VALUES + " values");
    }
    List<String> values = new ArrayList<>(attribute.getAttributeValues().size());
    for (XMLObject value : attribute.getAttributeValues()) {
      String text = text(value);
      values.add(text.isEmpty() ? text : Input.document("Attribute " + name, text, MAX_VALUE));
    }
    return new SamlAttribute(name, Input.text("Attribute NameFormat", attribute.getNameFormat(), 1024, false),
        Input.text("Attribute FriendlyName", attribute.getFriendlyName(), 1024, false), values);
  }

  /** A value's text: a string's value, else the element's text content (comments were refused before). */
  private static String text(XMLObject value) {
    if (value instanceof XSString s) {
      return s.getValue() == null ? "" : s.getValue();
    }
    Element dom = value.getDOM();
    return dom == null ? "" : dom.getTextContent();
  }
}
