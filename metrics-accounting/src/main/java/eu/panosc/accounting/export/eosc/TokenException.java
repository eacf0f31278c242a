package eu.panosc.accounting.export.eosc;

/** No token could be had; the message never contains a token or a secret. */
final class TokenException extends Exception {
  TokenException(String message) {
    super(message, null, false, false);
  }
}
