package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseSignatureCheckTest {
  private final ResponseSignatureCheck check = new ResponseSignatureCheck(new SignatureVerifier());

  @Test
  void checkWhenTheResponseIsSignedByTheIdpThenMarkedSigned() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.signResponse = true));

    check.check(in);

    assertThat(in.responseSigned).isTrue();
  }

  @Test
  void checkWhenTheResponseIsUnsignedThenPassesUnmarked() {
    Inspection in = Inspections.of(FixtureIdp.valid());

    check.check(in);

    assertThat(in.responseSigned).isFalse();
  }

  @Test
  void checkWhenTheResponseIsSignedByAnotherKeyThenSignatureInvalid() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> {
      s.signResponse = true;
      s.signAssertion = false;
      s.signer = FixtureIdp.ATTACKER_KEY;
    }));

    refused(() -> check.check(in), Reason.SIGNATURE_INVALID);
    assertThat(in.responseSigned).isFalse();
  }
}
