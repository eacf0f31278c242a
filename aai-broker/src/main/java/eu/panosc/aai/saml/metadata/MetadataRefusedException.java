package eu.panosc.aai.saml.metadata;

import java.util.Objects;

/** A metadata document that is not used, with the reason an operator can act on. */
public final class MetadataRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a document was refused. */
  public enum Kind {
    /** More bytes than allowed. */
    TOO_LARGE,
    /** A document type declaration (DTDs are never processed). */
    DOCTYPE,
    /** Not well-formed, or not SAML metadata. */
    MALFORMED,
    /** No signature where the source requires one. */
    UNSIGNED,
    /** The signature does not follow the profile, uses a weak algorithm, or does not verify under the pinned key. */
    SIGNATURE_INVALID,
    /** {@code validUntil} has passed, or a signed document has none. */
    EXPIRED,
    /** The metadata could not be fetched (network, status). */
    UNAVAILABLE
  }

  private final Kind kind;

  public MetadataRefusedException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
