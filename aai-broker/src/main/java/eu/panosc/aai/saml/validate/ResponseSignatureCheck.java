package eu.panosc.aai.saml.validate;

/**
 * A signed Response must verify (against the IdP's metadata certificates); an unsigned one passes on to later checks.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §5.4</a>
 */
final class ResponseSignatureCheck implements Check {
  private final SignatureVerifier verifier;

  ResponseSignatureCheck(SignatureVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void check(Inspection in) {
    if (in.response.getSignature() != null) {
      verifier.verify(in.response, in.expected.idpSigningCertificates(), "Response");
      in.responseSigned = true;
    }
  }
}
