package eu.panosc.aai.saml.validate;

/**
 * Why a SAML Response was refused; each value is one check that failed.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4</a>
 */
public enum Reason {
  /** The POSTed value or the decoded XML is larger than allowed. */
  TOO_LARGE,
  /** The POSTed value is not base64. */
  NOT_BASE64,
  /** A document type declaration: DTDs, entities (XXE, entity expansion) are refused before parsing. */
  DOCTYPE,
  /** Not well-formed XML, not a SAML 2.0 Response, or a value that cannot be stored (control characters). */
  MALFORMED,
  /** Comments or processing instructions: they are outside the signature and could change signed text. */
  UNSIGNED_MARKUP,
  /** More than one Response or Assertion, an assertion out of place, or duplicate IDs (signature wrapping). */
  WRAPPING,
  /** The top-level status code is not Success. */
  STATUS,
  /**
   * The IdP answered our request with {@code NoAuthnContext} or {@code RequestUnsupported}: it cannot authenticate
   * as strongly as asked (the client gets OpenID Connect's {@code unmet_authentication_requirements}).
   */
  AUTHN_CONTEXT_UNMET,
  /** The Response's IssueInstant is missing, in the future or too old (beyond the allowed skew). */
  ISSUE_INSTANT,
  /** Neither the Response nor the Assertion is signed. */
  UNSIGNED,
  /** An encrypted assertion whose plaintext is unsigned inside an unsigned Response. */
  ENCRYPTED_UNSIGNED,
  /** A signature that does not follow the SAML signature profile (reference, transforms) or uses a weak algorithm. */
  SIGNATURE_PROFILE,
  /** A signature that no signing certificate of the IdP (from metadata) verifies. */
  SIGNATURE_INVALID,
  /** An encryption algorithm outside the allowed set (AES-GCM; RSA-OAEP with SHA-1 or SHA-256). */
  ALGORITHM,
  /** No SP decryption key opens the encrypted assertion. */
  DECRYPTION,
  /** Issuer of the Response or Assertion is not the expected IdP. */
  ISSUER,
  /** Destination is not our assertion consumer service URL. */
  DESTINATION,
  /** InResponseTo is not our request (or is missing: unsolicited responses are refused). */
  IN_RESPONSE_TO,
  /** No bearer SubjectConfirmation. */
  NO_BEARER,
  /** SubjectConfirmationData Recipient is not our assertion consumer service URL. */
  RECIPIENT,
  /** Audience restriction does not name our SP. */
  AUDIENCE,
  /** A NotBefore lies in the future (beyond the allowed skew). */
  NOT_YET_VALID,
  /** A NotOnOrAfter lies in the past (beyond the allowed skew), or is missing where required. */
  EXPIRED,
  /** No AuthnStatement. */
  NO_AUTHN_STATEMENT,
  /** The assertion was used before. */
  REPLAYED,
  /** The replay cache could not be consulted, so one-time use cannot be guaranteed (retry later). */
  REPLAY_CACHE_UNAVAILABLE
}
