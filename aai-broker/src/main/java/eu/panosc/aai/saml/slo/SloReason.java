package eu.panosc.aai.saml.slo;

/**
 * Why a Single Logout message was refused; each value is one check that failed.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.4</a>
 */
public enum SloReason {
  /** Not readable: bad binding parameters, not base64/DEFLATE, not well-formed, a DTD, too large, no ID. */
  MALFORMED,
  /** Neither a LogoutRequest nor a LogoutResponse, or not the one expected here. */
  UNEXPECTED,
  /** No Issuer, or an Issuer whose metadata we do not have (and so no key to check with). */
  UNKNOWN_ISSUER,
  /** Not signed (no query signature over HTTP-Redirect, no enveloped signature over HTTP-POST). */
  UNSIGNED,
  /** A signature no signing key of the sender's metadata verifies, or one outside the signature profile. */
  SIGNATURE_INVALID,
  /** Destination is not our Single Logout endpoint. */
  DESTINATION,
  /** IssueInstant too old or NotOnOrAfter passed (beyond the allowed skew). */
  EXPIRED,
  /** IssueInstant in the future (beyond the allowed skew). */
  NOT_YET_VALID,
  /** A LogoutRequest ID seen before. */
  REPLAYED,
  /** A LogoutResponse not answering the request we sent (InResponseTo), or from another IdP than we asked. */
  IN_RESPONSE_TO,
  /** A RelayState handle we did not issue, already used, or expired. */
  UNKNOWN_STATE,
  /** A LogoutRequest naming no session we have (NameID and SessionIndex). */
  UNKNOWN_SESSION,
  /** One-time use could not be checked (the replay cache failed): refused rather than waved through. */
  REPLAY_CACHE_UNAVAILABLE
}
