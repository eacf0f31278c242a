package eu.panosc.aai.saml.validate;

import java.util.Objects;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Response;

/**
 * The state one validation run passes from check to check: the parsed Response, what is expected of it, and once
 * chosen (and decrypted), the one Assertion every later check reads; plus which of the two was verified as signed.
 */
final class Inspection {
  final Expectation expected;
  final Response response;
  Assertion assertion;
  boolean encrypted;
  boolean responseSigned;
  boolean assertionSigned;

  Inspection(Expectation expected, Response response) {
    this.expected = Objects.requireNonNull(expected, "expected");
    this.response = Objects.requireNonNull(response, "response");
  }

  /** The chosen assertion; a check that runs before {@link AssertionSelectionCheck} is a programming error. */
  Assertion assertion() {
    if (assertion == null) {
      throw new IllegalStateException("no assertion selected yet");
    }
    return assertion;
  }
}
