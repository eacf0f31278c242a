package eu.panosc.aai.saml.validate;

import eu.panosc.aai.attributes.names.SamlAttribute;
import static eu.panosc.aai.saml.validate.FixtureIdp.IDP;
import static eu.panosc.aai.saml.validate.FixtureIdp.NOW;
import static eu.panosc.aai.saml.validate.FixtureIdp.SP;
import static eu.panosc.aai.saml.validate.FixtureIdp.expectation;
import static eu.panosc.aai.saml.validate.FixtureIdp.posted;
import static eu.panosc.aai.saml.validate.FixtureIdp.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.NameIDType;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

/** Valid Responses in every accepted shape, and what is read from them. */
class SamlResponseValidatorTest {
  private final SamlResponseValidator validator = new SamlResponseValidator();

  @Test
  void validateWhenAssertionSignedThenLoginFromTheAssertion() {
    ValidatedLogin login = validator.validate(posted(valid()), expectation());

    assertThat(login.idpEntityId()).isEqualTo(IDP);
    assertThat(login.responseId()).isEqualTo(valid().responseId);
    assertThat(login.assertionId()).isEqualTo(valid().assertionId);
    assertThat(login.assertionNotOnOrAfter()).isEqualTo(NOW.plusSeconds(300));
    assertThat(login.nameId()).isEqualTo("alice-7c1f@idp.example.org");
    assertThat(login.nameIdFormat()).isEqualTo(NameIDType.PERSISTENT);
    assertThat(login.nameQualifier()).isEqualTo(IDP);
    assertThat(login.spNameQualifier()).isEqualTo(SP);
    assertThat(login.sessionIndex()).isEqualTo("_session-42");
    assertThat(login.authnContextClassRef()).isEqualTo("https://refeds.org/profile/mfa");
    assertThat(login.authnInstant()).isEqualTo(NOW.minusSeconds(5));
    assertThat(login.attributes()).hasSize(3);
    assertThat(login.attributes().get(0)).isEqualTo(new SamlAttribute("urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
        "urn:oasis:names:tc:SAML:2.0:attrname-format:uri", "eduPersonPrincipalName", List.of("alice@idp.example.org")));
    assertThat(login.attributes().get(2).values()).containsExactly(
        "urn:geant:umbrellaid.org:group:esrf:proposal-1234#umbrellaid.org",
        "urn:geant:umbrellaid.org:group:ill:staff#umbrellaid.org");
  }

  @Test
  void validateWhenOnlyTheResponseIsSignedThenAccepted() {
    var spec = valid().with(s -> {
      s.signResponse = true;
      s.signAssertion = false;
    });

    assertThat(validator.validate(posted(spec), expectation()).assertionId()).isEqualTo(spec.assertionId);
  }

  @Test
  void validateWhenBothAreSignedThenAccepted() {
    var spec = valid().with(s -> s.signResponse = true);

    assertThat(validator.validate(posted(spec), expectation()).nameId()).isEqualTo(spec.nameId);
  }

  @Test
  void validateWhenPostedWithLineBreaksThenAccepted() {
    byte[] wrapped = Base64.getMimeEncoder().encode(FixtureIdp.xml(valid()));

    assertThat(validator.validate(wrapped, expectation()).assertionId()).isEqualTo(valid().assertionId);
  }

  @Test
  void validateWhenEncryptedAndSignedThenDecryptedAndAccepted() {
    var spec = valid().with(s -> s.encryption = FixtureIdp.Encryption.standard());

    ValidatedLogin login = validator.validate(posted(spec), expectation());

    assertThat(login.nameId()).isEqualTo(spec.nameId);
    assertThat(login.attributes()).hasSize(3);
  }

  @Test
  void validateWhenEncryptedWithXmlenc11OaepSha256AndAes256GcmThenAccepted() {
    var spec = valid().with(s -> s.encryption = new FixtureIdp.Encryption(FixtureIdp.SP_KEY.certificate(),
        EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM, EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP11,
        SignatureConstants.ALGO_ID_DIGEST_SHA256, EncryptionConstants.ALGO_ID_MGF1_SHA256));

    assertThat(validator.validate(posted(spec), expectation()).assertionId()).isEqualTo(spec.assertionId);
  }

  @Test
  void validateWhenEncryptedToTheOldSpKeyDuringRotationThenAccepted() {
    var spec = valid().with(s -> s.encryption = new FixtureIdp.Encryption(FixtureIdp.SP_OLD_KEY.certificate(),
        EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES128_GCM, EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP, null,
        null));
    Expectation rotating = new Expectation(SP, FixtureIdp.ACS, FixtureIdp.REQUEST, IDP,
        List.of(FixtureIdp.IDP_KEY.certificate()),
        List.of(FixtureIdp.SP_KEY.decryptionKey(), FixtureIdp.SP_OLD_KEY.decryptionKey()), NOW, FixtureIdp.SKEW);

    assertThat(validator.validate(posted(spec), rotating).assertionId()).isEqualTo(spec.assertionId);
  }

  @Test
  void validateWhenSignedByTheIdpsNextKeyListedInMetadataThenAccepted() {
    var spec = valid().with(s -> s.signer = FixtureIdp.IDP_NEXT_KEY);
    Expectation rollover = new Expectation(SP, FixtureIdp.ACS, FixtureIdp.REQUEST, IDP,
        List.of(FixtureIdp.IDP_KEY.certificate(), FixtureIdp.IDP_NEXT_KEY.certificate()),
        List.of(FixtureIdp.SP_KEY.decryptionKey()), NOW, FixtureIdp.SKEW);

    assertThat(validator.validate(posted(spec), rollover).assertionId()).isEqualTo(spec.assertionId);
  }

  @Test
  void validateWhenClocksDifferWithinTheSkewThenAccepted() {
    Instant late = NOW.plusSeconds(300 + 59);
    // our clock behind the IdP's by less than the skew (the Response's IssueInstant is then in our future)
    Instant early = NOW.minusSeconds(59);

    assertThat(validator.validate(posted(valid()), expectation(late)).assertionId()).isNotNull();
    assertThat(validator.validate(posted(valid()), expectation(early)).assertionId()).isNotNull();
  }

  @Test
  void validateWhenTwentyAttributesThenAllRead() {
    var spec = valid().with(s -> s.attributes = 20);

    assertThat(validator.validate(posted(spec), expectation()).attributes()).hasSize(20)
        .extracting(SamlAttribute::friendlyName).contains("fixtureAttribute19");
  }

  @Test
  void validateWhenNothingPostedThenMalformed() {
    assertThatThrownBy(() -> validator.validate(new byte[0], expectation()))
        .isInstanceOfSatisfying(SamlRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void validateWhenNotBase64ThenNotBase64() {
    assertThatThrownBy(() -> validator.validate("<samlp:Response/>".getBytes(), expectation()))
        .isInstanceOfSatisfying(SamlRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_BASE64));
  }
}
