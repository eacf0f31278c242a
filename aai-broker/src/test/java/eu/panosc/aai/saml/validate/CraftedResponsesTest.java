package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.FixtureIdp.NOW;
import static eu.panosc.aai.saml.validate.FixtureIdp.expectation;
import static eu.panosc.aai.saml.validate.FixtureIdp.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Attacks and mistakes, each its own case, each refused with its own reason: the XML signature-wrapping variants
 * XSW1–XSW8 (Somorovsky et al., "On Breaking SAML", 2012), missing, stripped and foreign signatures, wrong bindings,
 * times out of range, XXE and entity expansion, comment injection, weak encryption and oversized input. In every
 * wrapping case the evil assertion names another user ({@value #EVIL}), so an acceptance would be a takeover.
 */
class CraftedResponsesTest {
  static final String EVIL = "admin@idp.example.org";
  private final SamlResponseValidator validator = new SamlResponseValidator();

  private void refused(byte[] xml, Reason reason) {
    refused(xml, expectation(), reason);
  }

  private void refused(byte[] xml, Expectation expected, Reason reason) {
    assertThatThrownBy(() -> validator.validate(Base64.getEncoder().encode(xml), expected))
        .isInstanceOfSatisfying(SamlRejectedException.class, e -> assertThat(e.reason()).as(e.getMessage())
            .isEqualTo(reason));
  }

  private static Document signedResponse() {
    return Dom.parse(FixtureIdp.xml(valid().with(s -> {
      s.signResponse = true;
      s.signAssertion = false;
    })));
  }

  private static Document signedAssertion() {
    return Dom.parse(FixtureIdp.xml(valid()));
  }

  // --- signature wrapping -------------------------------------------------------------------------------------

  @Test
  void xsw1WhenTheSignedResponseIsMovedIntoItsSignatureUnderAnEvilResponseThenWrapping() {
    Document doc = signedResponse();
    Element root = doc.getDocumentElement();
    Element original = (Element) root.cloneNode(true);
    original.removeChild(Dom.signatureOf(original));
    Dom.signatureOf(root).appendChild(original);
    root.setAttribute("ID", "_evil-response");
    Dom.setNameId(Dom.assertion(doc), EVIL);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw2WhenTheSignedResponseIsPlacedBeforeTheSignatureOfAnEvilResponseThenWrapping() {
    Document doc = signedResponse();
    Element root = doc.getDocumentElement();
    Element original = (Element) root.cloneNode(true);
    original.removeChild(Dom.signatureOf(original));
    root.insertBefore(original, Dom.signatureOf(root));
    root.setAttribute("ID", "_evil-response");
    Dom.setNameId(Dom.assertion(doc), EVIL);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw3WhenAnUnsignedEvilAssertionPrecedesTheSignedOneThenWrapping() {
    Document doc = signedAssertion();
    Element signed = Dom.assertion(doc);
    Element evil = (Element) signed.cloneNode(true);
    evil.removeChild(Dom.signatureOf(evil));
    evil.setAttribute("ID", "_evil-assertion");
    Dom.setNameId(evil, EVIL);
    doc.getDocumentElement().insertBefore(evil, signed);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw4WhenTheSignedAssertionIsWrappedInsideAnEvilAssertionThenWrapping() {
    Document doc = signedAssertion();
    Element signed = Dom.assertion(doc);
    Element evil = (Element) signed.cloneNode(true);
    evil.removeChild(Dom.signatureOf(evil));
    evil.setAttribute("ID", "_evil-assertion");
    Dom.setNameId(evil, EVIL);
    doc.getDocumentElement().replaceChild(evil, signed);
    evil.appendChild(signed);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw5WhenTheEvilAssertionCarriesTheSignatureAndTheOriginalIsAppendedThenWrapping() {
    Document doc = signedAssertion();
    Element signed = Dom.assertion(doc);
    Element original = (Element) signed.cloneNode(true);
    original.removeChild(Dom.signatureOf(original));
    Dom.setNameId(signed, EVIL);
    doc.getDocumentElement().appendChild(original);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw6WhenTheOriginalAssertionIsInsideTheSignatureOfTheEvilOneThenWrapping() {
    Document doc = signedAssertion();
    Element signed = Dom.assertion(doc);
    Element original = (Element) signed.cloneNode(true);
    original.removeChild(Dom.signatureOf(original));
    Dom.setNameId(signed, EVIL);
    signed.setAttribute("ID", "_evil-assertion");
    Dom.signatureOf(signed).appendChild(original);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw7WhenTheSignedAssertionHidesInExtensionsBesideAnEvilOneThenWrapping() {
    Document doc = signedAssertion();
    Element signed = Dom.assertion(doc);
    Element evil = (Element) signed.cloneNode(true);
    evil.removeChild(Dom.signatureOf(evil));
    Dom.setNameId(evil, EVIL);
    Element extensions = doc.createElementNS(Dom.SAMLP, "samlp:Extensions");
    Element root = doc.getDocumentElement();
    root.replaceChild(evil, signed);
    extensions.appendChild(signed);
    root.insertBefore(extensions, Dom.first(root, Dom.SAMLP, "Status"));

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void xsw8WhenTheOriginalAssertionIsInAnObjectOfTheEvilAssertionsSignatureThenWrapping() {
    Document doc = signedAssertion();
    Element signed = Dom.assertion(doc);
    Element original = (Element) signed.cloneNode(true);
    original.removeChild(Dom.signatureOf(original));
    Element object = doc.createElementNS(Dom.DS, "ds:Object");
    object.appendChild(original);
    Dom.signatureOf(signed).appendChild(object);
    Dom.setNameId(signed, EVIL);

    refused(Dom.bytes(doc), Reason.WRAPPING);
  }

  @Test
  void wrappingWhenTheSignatureReferencesAnotherElementThanItsParentThenSignatureProfile() {
    // the assertion's ID is changed after signing: its signature now points at an ID no element has
    Document doc = signedAssertion();
    Dom.assertion(doc).setAttribute("ID", "_renamed");

    refused(Dom.bytes(doc), Reason.SIGNATURE_PROFILE);
  }

  // --- signatures -----------------------------------------------------------------------------------------------

  @Test
  void unsignedWhenNeitherResponseNorAssertionIsSignedThenUnsigned() {
    refused(FixtureIdp.xml(valid().with(s -> s.signAssertion = false)), Reason.UNSIGNED);
  }

  @Test
  void strippedSignatureWhenTheSignatureElementIsRemovedThenUnsigned() {
    Document doc = signedAssertion();
    Element assertion = Dom.assertion(doc);
    assertion.removeChild(Dom.signatureOf(assertion));
    Dom.setNameId(assertion, EVIL);

    refused(Dom.bytes(doc), Reason.UNSIGNED);
  }

  @Test
  void tamperedWhenSignedContentChangesThenSignatureInvalid() {
    Document doc = signedAssertion();
    Dom.setNameId(Dom.assertion(doc), EVIL);

    refused(Dom.bytes(doc), Reason.SIGNATURE_INVALID);
  }

  @Test
  void anotherKeyWhenSignedByAKeyNotInMetadataThenSignatureInvalid() {
    refused(FixtureIdp.xml(valid().with(s -> s.signer = FixtureIdp.ATTACKER_KEY)), Reason.SIGNATURE_INVALID);
  }

  @Test
  void keyInfoWhenTheAttackerShipsHisCertificateInTheMessageThenSignatureInvalid() {
    byte[] xml = FixtureIdp.xml(valid().with(s -> {
      s.signer = FixtureIdp.ATTACKER_KEY;
      s.keyInfo = true;
    }));
    assertThat(FixtureIdp.text(xml)).contains("X509Certificate");

    refused(xml, Reason.SIGNATURE_INVALID);
  }

  @Test
  void weakSignatureWhenRsaSha1ThenSignatureProfile() {
    refused(FixtureIdp.xml(valid().with(s -> s.signatureAlgorithm = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA1)),
        Reason.SIGNATURE_PROFILE);
  }

  @Test
  void signedResponseWithTamperedUnsignedAssertionSignatureWhenResponseValidThenStillChecked() {
    // a valid Response signature does not excuse a broken assertion signature inside it
    Document doc = Dom.parse(FixtureIdp.xml(valid().with(s -> s.signResponse = true)));
    Element sigValue = Dom.first(Dom.signatureOf(Dom.assertion(doc)), Dom.DS, "SignatureValue");
    sigValue.setTextContent(Base64.getEncoder().encodeToString(new byte[256]));

    refused(Dom.bytes(doc), Reason.SIGNATURE_INVALID);
  }

  // --- bindings -------------------------------------------------------------------------------------------------

  @Test
  void wrongAudienceWhenRestrictedToAnotherSpThenAudience() {
    refused(FixtureIdp.xml(valid().with(s -> s.audiences = List.of("https://other-sp.example.org"))), Reason.AUDIENCE);
  }

  @Test
  void wrongRecipientWhenConfirmationNamesAnotherAcsThenRecipient() {
    refused(FixtureIdp.xml(valid().with(s -> s.recipient = "https://other-sp.example.org/acs")), Reason.RECIPIENT);
  }

  @Test
  void wrongDestinationWhenResponseAddressedElsewhereThenDestination() {
    refused(FixtureIdp.xml(valid().with(s -> s.destination = "https://other-sp.example.org/acs")),
        Reason.DESTINATION);
  }

  @Test
  void wrongIssuerWhenAssertionIssuedByAnotherIdpThenIssuer() {
    refused(FixtureIdp.xml(valid().with(s -> s.assertionIssuer = "https://evil-idp.example.org")), Reason.ISSUER);
  }

  @Test
  void wrongIssuerWhenResponseIssuedByAnotherIdpThenIssuer() {
    refused(FixtureIdp.xml(valid().with(s -> s.responseIssuer = "https://evil-idp.example.org")), Reason.ISSUER);
  }

  @Test
  void wrongInResponseToWhenAnsweringAnotherRequestThenInResponseTo() {
    refused(FixtureIdp.xml(valid().with(s -> {
      s.inResponseTo = "_another-request";
      s.confirmationInResponseTo = "_another-request";
    })), Reason.IN_RESPONSE_TO);
  }

  @Test
  void missingInResponseToWhenUnsolicitedThenInResponseTo() {
    refused(FixtureIdp.xml(valid().with(s -> {
      s.inResponseTo = null;
      s.confirmationInResponseTo = null;
    })), Reason.IN_RESPONSE_TO);
  }

  // --- time -----------------------------------------------------------------------------------------------------

  @Test
  void expiredWhenPastNotOnOrAfterAndSkewThenExpired() {
    // the Response itself is fresh (its IssueInstant passes), only the assertion's window is over
    refused(FixtureIdp.xml(valid().with(s -> s.responseIssueInstant = NOW.plusSeconds(300 + 61))),
        expectation(NOW.plusSeconds(300 + 61)), Reason.EXPIRED);
  }

  @Test
  void notYetValidWhenBeforeNotBeforeAndSkewThenNotYetValid() {
    refused(FixtureIdp.xml(valid().with(s -> s.responseIssueInstant = NOW.minusSeconds(30 + 61))),
        expectation(NOW.minusSeconds(30 + 61)), Reason.NOT_YET_VALID);
  }

  @Test
  void issueInstantWhenResponseIssuedAnHourAgoThenIssueInstant() {
    refused(FixtureIdp.xml(valid().with(s -> s.responseIssueInstant = NOW.minusSeconds(3600))), expectation(NOW),
        Reason.ISSUE_INSTANT);
  }

  // --- XML parsing ----------------------------------------------------------------------------------------------

  private static byte[] withDoctype(String doctype, String nameId) {
    String xml = FixtureIdp.text(FixtureIdp.xml(valid()));
    xml = xml.replaceFirst("^<\\?xml[^>]*\\?>", "");
    xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + doctype + xml;
    return xml.replace("alice-7c1f@idp.example.org", nameId).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void xxeWhenAnExternalEntityIsDeclaredThenDoctype() {
    refused(withDoctype("<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;"),
        Reason.DOCTYPE);
  }

  @Test
  void xxeWhenEncodedAsUtf16ToHideTheDoctypeFromAByteScanThenStillDoctype() {
    String xml = new String(withDoctype("<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
        "&xxe;"), StandardCharsets.UTF_8).replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");

    refused(xml.getBytes(StandardCharsets.UTF_16), Reason.DOCTYPE);
  }

  @Test
  void billionLaughsWhenEntitiesExpandExponentiallyThenDoctype() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE samlp:Response [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"");
      dtd.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
    }
    dtd.append("]>");

    refused(withDoctype(dtd.toString(), "&lol9;"), Reason.DOCTYPE);
  }

  @Test
  void doctypeWhenAnyDocumentTypeDeclarationThenDoctype() {
    refused(withDoctype("<!DOCTYPE samlp:Response>", "alice-7c1f@idp.example.org"), Reason.DOCTYPE);
  }

  @Test
  void commentInjectionWhenACommentSplitsTheSignedNameIdThenUnsignedMarkupNotATruncatedIdentity() {
    byte[] signed = FixtureIdp.xml(valid().with(s -> s.nameId = "user@evil.com.example.org"));
    byte[] injected = FixtureIdp.text(signed).replace("user@evil.com.example.org", "user@evil.com<!---->.example.org")
        .getBytes(StandardCharsets.UTF_8);

    refused(injected, Reason.UNSIGNED_MARKUP);
  }

  @Test
  void processingInstructionWhenInsideTheAssertionThenUnsignedMarkup() {
    byte[] injected = FixtureIdp.text(FixtureIdp.xml(valid()))
        .replace("alice-7c1f@idp.example.org", "alice-7c1f@idp.example.org<?evil x?>").getBytes(StandardCharsets.UTF_8);

    refused(injected, Reason.UNSIGNED_MARKUP);
  }

  @Test
  void oversizedWhenMoreThanTheLimitThenTooLarge() {
    byte[] huge = new byte[SamlResponseValidator.DEFAULT_MAX_POSTED + 1];
    java.util.Arrays.fill(huge, (byte) 'A');

    assertThatThrownBy(() -> validator.validate(huge, expectation()))
        .isInstanceOfSatisfying(SamlRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
  }

  @Test
  void notAResponseWhenAnotherSamlMessageThenMalformed() {
    refused("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" Version=\"2.0\"/>"
        .getBytes(StandardCharsets.UTF_8), Reason.MALFORMED);
  }

  // --- encryption -----------------------------------------------------------------------------------------------

  @Test
  void encryptedUnsignedWhenNeitherThePlaintextNorTheResponseIsSignedThenEncryptedUnsigned() {
    refused(FixtureIdp.xml(valid().with(s -> {
      s.encryption = FixtureIdp.Encryption.standard();
      s.signAssertion = false;
    })), Reason.ENCRYPTED_UNSIGNED);
  }

  @Test
  void weakKeyTransportWhenRsa15ThenAlgorithm() {
    refused(FixtureIdp.xml(valid().with(s -> s.encryption = new FixtureIdp.Encryption(FixtureIdp.SP_KEY.certificate(),
        EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM, EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSA15, null,
        null))), Reason.ALGORITHM);
  }

  @Test
  void weakDataEncryptionWhenAesCbcThenAlgorithm() {
    refused(FixtureIdp.xml(valid().with(s -> s.encryption = new FixtureIdp.Encryption(FixtureIdp.SP_KEY.certificate(),
        EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128, EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, null,
        null))), Reason.ALGORITHM);
  }

  @Test
  void weakOaepWhenMgf1WithSha512IsNotAllowedThenAlgorithm() {
    refused(FixtureIdp.xml(valid().with(s -> s.encryption = new FixtureIdp.Encryption(FixtureIdp.SP_KEY.certificate(),
        EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM, EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP11,
        SignatureConstants.ALGO_ID_DIGEST_SHA256, EncryptionConstants.ALGO_ID_MGF1_SHA512))), Reason.ALGORITHM);
  }

  @Test
  void encryptedToAnotherKeyWhenNoSpKeyOpensItThenDecryption() {
    refused(FixtureIdp.xml(valid().with(s -> s.encryption = new FixtureIdp.Encryption(
        FixtureIdp.ATTACKER_KEY.certificate(), EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM,
        EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, null, null))), Reason.DECRYPTION);
  }
}
