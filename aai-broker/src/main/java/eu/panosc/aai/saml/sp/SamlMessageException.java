package eu.panosc.aai.saml.sp;

/** A SAML message we received cannot be used; the message says why without quoting the message's content. */
public final class SamlMessageException extends RuntimeException {
  public SamlMessageException(String message) {
    super(message, null, false, false);
  }
}
