package eu.panosc.aai.saml.validate;

import java.util.Objects;

/**
 * The one failure of SAML Response validation: a {@link Reason} and a message an operator can act on. The message
 * names at most ids (Response, Assertion, request, entity ids) and never assertion content, tokens or keys.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4</a>
 */
public final class SamlRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Reason reason;

  public SamlRejectedException(Reason reason, String message) {
    super(Objects.requireNonNull(reason, "reason") + ": " + Objects.requireNonNull(message, "message"), null, false,
        false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
