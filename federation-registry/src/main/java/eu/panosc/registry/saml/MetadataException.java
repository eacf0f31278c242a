package eu.panosc.registry.saml;

import java.io.Serial;

/**
 * The one failure type of SAML metadata handling: unsafe or malformed XML, an entity that breaks a
 * metadata rule, or a signature that does not verify. The message is safe to show to the submitter; it
 * never contains key material and quotes the input only as element names and short parser texts.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf">SAML 2.0 metadata</a>
 */
public final class MetadataException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** Creates the exception with a message fit for the submitter. */
  public MetadataException(String message) {
    super(message);
  }

  /** Creates the exception with a message fit for the submitter and the internal cause for the logs. */
  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
