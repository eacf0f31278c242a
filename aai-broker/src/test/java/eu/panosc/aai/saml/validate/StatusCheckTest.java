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
  void checkWhenResponderWithoutDetailThenStatusNamingTheCode() {
    String message = refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(
        s -> s.statusCode = StatusCode.RESPONDER))), Reason.STATUS);

    assertThat(message).contains(StatusCode.RESPONDER);
  }

  @Test
  void checkWhenNoAuthnContextForOurRequestThenAuthnContextUnmet() {
    String message = refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> {
      s.statusCode = StatusCode.RESPONDER;
      s.secondStatusCode = StatusCode.NO_AUTHN_CONTEXT;
    }))), Reason.AUTHN_CONTEXT_UNMET);

    assertThat(message).contains(StatusCode.NO_AUTHN_CONTEXT);
  }

  @Test
  void checkWhenRequestUnsupportedForOurRequestThenAuthnContextUnmet() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> {
      s.statusCode = StatusCode.REQUESTER;
      s.secondStatusCode = StatusCode.REQUEST_UNSUPPORTED;
    }))), Reason.AUTHN_CONTEXT_UNMET);
  }

  @Test
  void checkWhenNoAuthnContextButNotInAnswerToOurRequestThenPlainStatus() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> {
      s.statusCode = StatusCode.RESPONDER;
      s.secondStatusCode = StatusCode.NO_AUTHN_CONTEXT;
      s.inResponseTo = "_someone-elses-request";
    }))), Reason.STATUS);
  }

  @Test
  void checkWhenOtherSecondLevelCodeThenPlainStatus() {
    refused(() -> check.check(Inspections.of(FixtureIdp.valid().with(s -> {
      s.statusCode = StatusCode.RESPONDER;
      s.secondStatusCode = StatusCode.AUTHN_FAILED;
    }))), Reason.STATUS);
  }
}
