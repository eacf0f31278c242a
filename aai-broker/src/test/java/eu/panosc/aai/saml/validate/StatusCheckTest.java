package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;
import org.opensaml.saml.saml2.core.StatusCode;

class StatusCheckTest {
  private final StatusCheck check = new StatusCheck();

  @Test
  void checkWhenSuccessThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenResponderThenStatusNamingTheCode() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.statusCode = StatusCode.RESPONDER));

    assertThat(refused(() -> check.check(in), Reason.STATUS)).contains(StatusCode.RESPONDER);
  }
}
