package eu.panosc.aai.saml.validate;

/**
 * The Response or the Assertion was verified as signed; an encrypted assertion counts only if its plaintext is signed
 * or the Response is (encryption alone proves nothing: anyone can encrypt to our public key).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.3.5</a>
 */
final class SignedCheck implements Check {
  @Override
  public void check(Inspection in) {
    if (in.responseSigned || in.assertionSigned) {
      return;
    }
    String id = MarkupCheck.printable(in.response.getID());
    if (in.encrypted) {
      throw Check.reject(Reason.ENCRYPTED_UNSIGNED,
          "Response " + id + " carries an encrypted assertion, but neither it nor the Response is signed");
    }
    throw Check.reject(Reason.UNSIGNED, "neither Response " + id + " nor its Assertion is signed");
  }
}
