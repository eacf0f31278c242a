package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

class SignatureVerifierTest {
  private final SignatureVerifier verifier = new SignatureVerifier();
  private final List<java.security.cert.X509Certificate> idp = List.of(FixtureIdp.IDP_KEY.certificate());

  @Test
  void verifyWhenSignedByTheIdpThenPasses() {
    Inspection in = Inspections.of(FixtureIdp.valid());

    assertThatCode(() -> verifier.verify(in.assertion(), idp, "Assertion")).doesNotThrowAnyException();
  }

  @Test
  void verifyWhenAnotherKeySignedThenSignatureInvalidNamingTheCertificateCount() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.signer = FixtureIdp.ATTACKER_KEY));

    assertThat(refused(() -> verifier.verify(in.assertion(), idp, "Assertion"), Reason.SIGNATURE_INVALID))
        .contains("1 signing certificates");
  }

  @Test
  void verifyWhenNotSignedThenUnsigned() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.signAssertion = false));

    refused(() -> verifier.verify(in.assertion(), idp, "Assertion"), Reason.UNSIGNED);
  }

  @Test
  void verifyWhenEcdsaSha1OrRsaSha1ThenSignatureProfile() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(
        s -> s.signatureAlgorithm = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA1));

    assertThat(refused(() -> verifier.verify(in.assertion(), idp, "Assertion"), Reason.SIGNATURE_PROFILE))
        .contains("rsa-sha1");
  }

  @Test
  void verifyWhenTheDigestIsSha1ThenSignatureProfile() {
    String xml = FixtureIdp.text(FixtureIdp.xml(FixtureIdp.valid())).replace(
        SignatureConstants.ALGO_ID_DIGEST_SHA256, SignatureConstants.ALGO_ID_DIGEST_SHA1);
    Inspection in = Inspections.of(xml.getBytes(StandardCharsets.UTF_8), FixtureIdp.expectation());

    assertThat(refused(() -> verifier.verify(in.assertion(), idp, "Assertion"), Reason.SIGNATURE_PROFILE))
        .contains("sha1");
  }

  @Test
  void verifyWhenTheReferenceNamesAnotherIdThenSignatureProfile() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.assertion().getDOM().setAttributeNS(null, "ID", "_another");
    in.assertion().setID("_another");

    refused(() -> verifier.verify(in.assertion(), idp, "Assertion"), Reason.SIGNATURE_PROFILE);
  }

  @Test
  void verifyWhenTheReferenceIsEmptyThenSignatureProfile() {
    String xml = FixtureIdp.text(FixtureIdp.xml(FixtureIdp.valid()))
        .replace("URI=\"#" + FixtureIdp.valid().assertionId + "\"", "URI=\"\"");
    Inspection in = Inspections.of(xml.getBytes(StandardCharsets.UTF_8), FixtureIdp.expectation());

    refused(() -> verifier.verify(in.assertion(), idp, "Assertion"), Reason.SIGNATURE_PROFILE);
  }
}
