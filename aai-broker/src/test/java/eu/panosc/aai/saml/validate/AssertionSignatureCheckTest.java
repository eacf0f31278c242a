package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AssertionSignatureCheckTest {
  private final AssertionSignatureCheck check = new AssertionSignatureCheck(new SignatureVerifier());

  @Test
  void checkWhenTheAssertionIsSignedByTheIdpThenMarkedSigned() {
    Inspection in = Inspections.of(FixtureIdp.valid());

    check.check(in);

    assertThat(in.assertionSigned).isTrue();
  }

  @Test
  void checkWhenTheAssertionIsUnsignedThenPassesUnmarked() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.signAssertion = false));

    check.check(in);

    assertThat(in.assertionSigned).isFalse();
  }

  @Test
  void checkWhenTheAssertionIsSignedByAnotherKeyThenSignatureInvalid() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.signer = FixtureIdp.ATTACKER_KEY));

    refused(() -> check.check(in), Reason.SIGNATURE_INVALID);
  }
}
