package eu.panosc.aai.saml.slo;

import java.util.Objects;

/**
 * A Single Logout message refused: the {@link SloReason} and a message for the operator's log naming ids (message,
 * issuer) only, never a NameID or a key. Nothing was ended because of the message.
 */
public final class SloRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final SloReason reason;

  public SloRefusedException(SloReason reason, String message) {
    super(Objects.requireNonNull(reason, "reason") + ": " + Objects.requireNonNull(message, "message"), null, false,
        false);
    this.reason = reason;
  }

  public SloReason reason() {
    return reason;
  }
}
