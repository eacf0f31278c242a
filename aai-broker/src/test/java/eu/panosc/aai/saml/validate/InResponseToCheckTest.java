package eu.panosc.aai.saml.validate;

import static eu.panosc.aai.saml.validate.Rejections.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class InResponseToCheckTest {
  private final InResponseToCheck check = new InResponseToCheck();

  @Test
  void checkWhenOurRequestThenPasses() {
    assertThatCode(() -> check.check(Inspections.of(FixtureIdp.valid()))).doesNotThrowAnyException();
  }

  @Test
  void checkWhenAnotherRequestThenInResponseTo() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> s.inResponseTo = "_other"))),
        Reason.IN_RESPONSE_TO);
  }

  @Test
  void checkWhenUnsolicitedThenInResponseToSayingSo() {
    Inspection in = Inspections.of(FixtureIdp.valid().with(s -> s.inResponseTo = null));

    assertThat(refused(() -> check.check(in), Reason.IN_RESPONSE_TO)).contains("unsolicited");
  }
}
