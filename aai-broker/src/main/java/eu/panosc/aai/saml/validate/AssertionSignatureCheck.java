package eu.panosc.aai.saml.validate;

/**
 * A signed Assertion must verify (against the IdP's metadata certificates); an unsigned one passes on.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §5.4</a>
 */
final class AssertionSignatureCheck implements Check {
  private final SignatureVerifier verifier;

  AssertionSignatureCheck(SignatureVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void check(Inspection in) {
    if (in.assertion().getSignature() != null) {
      verifier.verify(in.assertion(), in.expected.idpSigningCertificates(), "Assertion");
      in.assertionSigned = true;
    }
  }
}
