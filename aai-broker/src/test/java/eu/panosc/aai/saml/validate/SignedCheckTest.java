package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class SignedCheckTest {
  private final SignedCheck check = new SignedCheck();

  private static Inspection inspection(boolean response, boolean assertion, boolean encrypted) {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.responseSigned = response;
    in.assertionSigned = assertion;
    in.encrypted = encrypted;
    return in;
  }

  @Test
  void checkWhenEitherIsVerifiedThenPasses() {
    assertThatCode(() -> check.check(inspection(true, false, false))).doesNotThrowAnyException();
    assertThatCode(() -> check.check(inspection(false, true, true))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenNeitherThenUnsigned() {
    refused(() -> check.check(inspection(false, false, false)), Reason.UNSIGNED);
  }

  @Test
  void checkWhenEncryptedAndNeitherThenEncryptedUnsigned() {
    refused(() -> check.check(inspection(false, false, true)), Reason.ENCRYPTED_UNSIGNED);
  }
}
