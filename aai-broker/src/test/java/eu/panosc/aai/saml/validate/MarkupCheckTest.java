package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class MarkupCheckTest {
  private static Element root(byte[] xml) {
    return Dom.parse(xml).getDocumentElement();
  }

  private static byte[] replaced(String from, String to) {
    assertThat(FixtureIdp.text(FixtureIdp.xml(FixtureIdp.valid()))).contains(from);
    return FixtureIdp.text(FixtureIdp.xml(FixtureIdp.valid())).replace(from, to).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void checkWhenAFixtureResponseThenPasses() {
    assertThatCode(() -> MarkupCheck.check(root(FixtureIdp.xml(FixtureIdp.valid())))).doesNotThrowAnyException();
    assertThatCode(() -> MarkupCheck.check(root(FixtureIdp.xml(FixtureIdp.valid().with(
        s -> s.encryption = FixtureIdp.Encryption.standard()))))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenACommentAnywhereThenUnsignedMarkup() {
    refused(() -> MarkupCheck.check(root(replaced("</saml2:Issuer>", "</saml2:Issuer><!-- hi -->"))),
        Reason.UNSIGNED_MARKUP);
  }

  @Test
  void checkWhenAProcessingInstructionThenUnsignedMarkup() {
    refused(() -> MarkupCheck.check(root(replaced("</saml2:Issuer>", "</saml2:Issuer><?x y?>"))),
        Reason.UNSIGNED_MARKUP);
  }

  @Test
  void checkWhenTwoAssertionsThenWrappingCountingThem() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    Element copy = (Element) Dom.assertion(doc).cloneNode(true);
    copy.setAttribute("ID", "_second");
    doc.getDocumentElement().appendChild(copy);

    assertThat(refused(() -> MarkupCheck.check(doc.getDocumentElement()), Reason.WRAPPING)).contains("2 as children");
  }

  @Test
  void checkWhenAnIdRepeatsThenWrapping() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    Dom.assertion(doc).setAttribute("ID", FixtureIdp.valid().responseId);

    assertThat(refused(() -> MarkupCheck.check(doc.getDocumentElement()), Reason.WRAPPING)).contains("appears twice");
  }

  @Test
  void checkWhenNoAssertionThenWrapping() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    doc.getDocumentElement().removeChild(Dom.assertion(doc));

    refused(() -> MarkupCheck.check(doc.getDocumentElement()), Reason.WRAPPING);
  }

  @Test
  void checkWhenStatusRepeatsOrIsMissingThenMalformed() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    Element status = Dom.first(doc, Dom.SAMLP, "Status");
    doc.getDocumentElement().insertBefore(status.cloneNode(true), status);
    refused(() -> MarkupCheck.check(doc.getDocumentElement()), Reason.MALFORMED);

    Document none = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    none.getDocumentElement().removeChild(Dom.first(none, Dom.SAMLP, "Status"));
    assertThat(refused(() -> MarkupCheck.check(none.getDocumentElement()), Reason.MALFORMED)).contains("no Status");
  }

  @Test
  void checkWhenTheVersionIsNotTwoThenMalformed() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    doc.getDocumentElement().setAttribute("Version", "1.1");

    refused(() -> MarkupCheck.check(doc.getDocumentElement()), Reason.MALFORMED);
  }

  @Test
  void checkWhenASignatureValueIsNotBase64ThenMalformed() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));
    Element value = Dom.first(doc, Dom.DS, "SignatureValue");
    value.setTextContent(value.getTextContent() + "!");

    refused(() -> MarkupCheck.check(doc.getDocumentElement()), Reason.MALFORMED);
  }

  @Test
  void checkWhenTheRootIsNotAResponseThenMalformed() {
    Document doc = Dom.parse(FixtureIdp.xml(FixtureIdp.valid()));

    refused(() -> MarkupCheck.check(Dom.assertion(doc)), Reason.MALFORMED);
  }

  /** A Response of {@code spec} with its assertion taken out (an IdP's failure answer has none). */
  static byte[] withoutAssertion(FixtureIdp.Spec spec) {
    Document doc = Dom.parse(FixtureIdp.xml(spec));
    Element assertion = Dom.assertion(doc);
    assertion.getParentNode().removeChild(assertion);
    return Dom.bytes(doc);
  }

  @Test
  void checkWhenAFailureAnswerWithoutAssertionThenPassesForTheStatusCheckToRefuse() {
    byte[] xml = withoutAssertion(FixtureIdp.valid().with(s -> {
      s.signAssertion = false;
      s.statusCode = org.opensaml.saml.saml2.core.StatusCode.RESPONDER;
      s.secondStatusCode = org.opensaml.saml.saml2.core.StatusCode.NO_AUTHN_CONTEXT;
    }));

    assertThatCode(() -> MarkupCheck.check(root(xml))).doesNotThrowAnyException();
    refused(() -> new SamlResponseValidator().validateXml(xml, FixtureIdp.expectation()), Reason.AUTHN_CONTEXT_UNMET);
  }

  @Test
  void checkWhenASuccessAnswerWithoutAssertionThenWrapping() {
    byte[] xml = withoutAssertion(FixtureIdp.valid().with(s -> s.signAssertion = false));

    refused(() -> MarkupCheck.check(root(xml)), Reason.WRAPPING);
  }
}
