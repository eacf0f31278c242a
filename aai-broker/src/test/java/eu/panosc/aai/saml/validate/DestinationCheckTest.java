package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class DestinationCheckTest {
  private final DestinationCheck check = new DestinationCheck();

  @Test
  void checkWhenOurAcsThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenAnotherUrlThenDestination() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.destination = FixtureIdp.ACS + "/x"))),
        Reason.DESTINATION);
  }

  @Test
  void checkWhenMissingThenDestination() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.destination = null))),
        Reason.DESTINATION);
  }
}
