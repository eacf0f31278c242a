package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsCheckTest {
  private final ConditionsCheck check = new ConditionsCheck();

  @Test
  void checkWhenValidForUsThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenSeveralAudiencesIncludingUsThenPasses() {
    var spec = FixtureIdp.valid().with(s -> s.audiences = List.of("https://other.example.org", FixtureIdp.SP));

    assertThatCode(() -> check.check(Inspections.of(spec))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenOnlyOtherAudiencesThenAudience() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.audiences = List.of("https://other.example.org")))), Reason.AUDIENCE);
  }

  @Test
  void checkWhenNoAudienceRestrictionThenAudience() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.audiences = List.of()))),
        Reason.AUDIENCE);
  }

  @Test
  void checkWhenNotBeforeIsBeyondTheSkewThenNotYetValid() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.notBefore = FixtureIdp.NOW.plusSeconds(61)))), Reason.NOT_YET_VALID);
  }

  @Test
  void checkWhenNotOnOrAfterIsBeyondTheSkewThenExpired() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.notOnOrAfter = FixtureIdp.NOW.minusSeconds(61)))), Reason.EXPIRED);
  }
}
