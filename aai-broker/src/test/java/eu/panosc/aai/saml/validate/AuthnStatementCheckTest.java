package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class AuthnStatementCheckTest {
  private final AuthnStatementCheck check = new AuthnStatementCheck();

  @Test
  void checkWhenPresentThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenMissingThenNoAuthnStatement() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.authnStatement = false))),
        Reason.NO_AUTHN_STATEMENT);
  }

  @Test
  void checkWhenTheIdpSessionHasEndedThenExpired() {
    Inspection in = Inspections.of(FixtureIdp.valid());
    in.assertion().getAuthnStatements().get(0).setSessionNotOnOrAfter(FixtureIdp.NOW.minusSeconds(61));

    refused(() -> check.check(in), Reason.EXPIRED);
  }
}
