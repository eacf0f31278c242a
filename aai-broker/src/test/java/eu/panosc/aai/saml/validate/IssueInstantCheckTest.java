package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class IssueInstantCheckTest {
  private final IssueInstantCheck check = new IssueInstantCheck();

  @Test
  void checkWhenIssuedJustNowThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenIssuedWithinTheSkewAheadOrAtTheMaxAgeThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.responseIssueInstant = FixtureIdp.NOW.plus(FixtureIdp.SKEW))))).doesNotThrowAnyException();
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.responseIssueInstant = FixtureIdp.NOW.minus(IssueInstantCheck.MAX_AGE).minus(FixtureIdp.SKEW)))))
        .doesNotThrowAnyException();
  }

  @Test
  void checkWhenIssuedBeyondTheSkewInTheFutureThenIssueInstantNamingTheClock() {
    String message = refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.responseIssueInstant = FixtureIdp.NOW.plus(FixtureIdp.SKEW).plusSeconds(1)))), Reason.ISSUE_INSTANT);

    assertThat(message).contains("in the future").contains("clock");
  }

  @Test
  void checkWhenOlderThanTheMaxAgeAndSkewThenIssueInstant() {
    String message = refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.responseIssueInstant = FixtureIdp.NOW.minus(IssueInstantCheck.MAX_AGE).minus(FixtureIdp.SKEW)
            .minusSeconds(1)))), Reason.ISSUE_INSTANT);

    assertThat(message).contains("minutes ago");
  }

  @Test
  void checkWhenOnlyTheAssertionIsOldThenTheResponseInstantDecides() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> {
      s.issueInstant = FixtureIdp.NOW.minusSeconds(3600);
      s.responseIssueInstant = FixtureIdp.NOW;
    })))).doesNotThrowAnyException();
  }

  @Test
  void validatorWhenWholeResponseIsTooOldThenRefusedAsIssueInstant() {
    var spec = FixtureIdp.valid().with(s -> s.responseIssueInstant = FixtureIdp.NOW.minusSeconds(3600));

    refused(() -> new SamlResponseValidator().validateXml(FixtureIdp.xml(spec), FixtureIdp.expectation()),
        Reason.ISSUE_INSTANT);
  }
}
