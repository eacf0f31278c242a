package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.SubjectConfirmation;

class SubjectConfirmationCheckTest {
  private final SubjectConfirmationCheck check = new SubjectConfirmationCheck();

  @Test
  void checkWhenBearerForUsStillValidThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenOnlyHolderOfKeyThenNoBearer() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.confirmationMethod = SubjectConfirmation.METHOD_HOLDER_OF_KEY))), Reason.NO_BEARER);
  }

  @Test
  void checkWhenAnotherRecipientThenRecipient() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.recipient = "https://x.example.org"))),
        Reason.RECIPIENT);
  }

  @Test
  void checkWhenTheConfirmationAnswersAnotherRequestThenInResponseTo() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.confirmationInResponseTo = "_other"))),
        Reason.IN_RESPONSE_TO);
  }

  @Test
  void checkWhenTheConfirmationHasExpiredBeyondTheSkewThenExpired() {
    var spec = FixtureIdp.valid().with(s -> s.confirmationNotOnOrAfter = FixtureIdp.NOW.minusSeconds(61));

    refused(() -> check.check(Inspections.of(spec)), Reason.EXPIRED);
  }

  @Test
  void checkWhenTheConfirmationExpiredWithinTheSkewThenPasses() {
    var spec = FixtureIdp.valid().with(s -> s.confirmationNotOnOrAfter = FixtureIdp.NOW.minusSeconds(59));

    assertThatCode(() -> check.check(Inspections.of(spec))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenTheConfirmationHasNoEndThenExpired() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.confirmationNotOnOrAfter = null))),
        Reason.EXPIRED);
  }

  @Test
  void checkWhenTheConfirmationStartsBeyondTheSkewThenNotYetValid() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.assertion().getSubject().getSubjectConfirmations().get(0).getSubjectConfirmationData()
        .setNotBefore(FixtureIdp.NOW.plusSeconds(61));

    refused(() -> check.check(in), Reason.NOT_YET_VALID);
  }
}
