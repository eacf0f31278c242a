package eu.panosc.aai.saml.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test helper: asserts a refusal with a given reason and returns its message. */
final class Rejections {
  private Rejections() {}

  static String refused(ThrowingCallable call, Reason reason) {
    String[] message = new String[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(SamlRejectedException.class, e -> {
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
      message[0] = e.getMessage();
    });
    return message[0];
  }
}
