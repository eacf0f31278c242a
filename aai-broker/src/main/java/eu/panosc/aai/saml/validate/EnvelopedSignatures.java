package eu.panosc.aai.saml.validate;

import java.security.cert.X509Certificate;
import java.util.List;
import org.opensaml.saml.common.SignableSAMLObject;

/**
 * The enveloped-signature check of the Response validation, for other SAML messages (LogoutRequest and LogoutResponse
 * over HTTP-POST): the SAML signature profile, SHA-2 algorithms, and the value against the sender's certificates
 * from metadata only (never a KeyInfo in the message).
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §5.4</a>
 */
public final class EnvelopedSignatures {
  private static final SignatureVerifier VERIFIER = new SignatureVerifier();

  private EnvelopedSignatures() {}

  /**
   * Throws {@link SamlRejectedException} ({@link Reason#UNSIGNED}, {@link Reason#SIGNATURE_PROFILE} or
   * {@link Reason#SIGNATURE_INVALID}) unless {@code signed}'s own signature verifies under one of {@code certificates}.
   */
  public static void verify(SignableSAMLObject signed, List<X509Certificate> certificates, String what) {
    VERIFIER.verify(signed, certificates, what);
  }
}
