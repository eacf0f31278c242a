package eu.panosc.aai.saml.idp;

/**
 * The demo IdP will not answer a request: an unsigned or badly signed AuthnRequest, an unknown service provider, a
 * request not meant for it, or an expired login. The message is for the person (a human page, 400), naming what is
 * wrong and never quoting the request.
 */
public final class IdpRefusal extends RuntimeException {
  private final String title;

  public IdpRefusal(String title, String message) {
    super(message, null, false, false);
    this.title = title;
  }

  public String title() {
    return title;
  }
}
