package eu.panosc.aai.saml.validate;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.XMLSignature;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.impl.SignatureImpl;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

/**
 * Verifies the enveloped signature of one SAML object: first the SAML signature profile (one reference, to this
 * object's own ID, enveloped + exclusive c14n transforms only), then the algorithms (RSA or ECDSA with SHA-2, SHA-2
 * digests), then the value, against the IdP's certificates from metadata only. A KeyInfo in the message is never used.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf">SAML 2.0 core §5.4</a>
 */
final class SignatureVerifier {
  static final Set<String> SIGNATURE_ALGORITHMS = Set.of(
      SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256, SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA384,
      SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA512, SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA256,
      SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA384, SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA512);
  static final Set<String> DIGEST_ALGORITHMS = Set.of(SignatureConstants.ALGO_ID_DIGEST_SHA256,
      SignatureConstants.ALGO_ID_DIGEST_SHA384, SignatureConstants.ALGO_ID_DIGEST_SHA512);

  private final SAMLSignatureProfileValidator profile = new SAMLSignatureProfileValidator();

  /** Throws unless {@code signed}'s own signature verifies under one of {@code certificates}. */
  void verify(SignableSAMLObject signed, List<X509Certificate> certificates, String what) {
    Signature signature = signed.getSignature();
    String id = signed.getSignatureReferenceID();
    if (signature == null) {
      throw Check.reject(Reason.UNSIGNED, "the " + what + " is not signed");
    }
    if (id == null || id.isEmpty()) {
      throw Check.reject(Reason.SIGNATURE_PROFILE, "the signed " + what + " has no ID");
    }
    try {
      profile.validate(signature);
    } catch (SignatureException | RuntimeException e) {
      throw Check.reject(Reason.SIGNATURE_PROFILE, "the signature of " + what + " " + MarkupCheck.printable(id)
          + " does not follow the SAML signature profile (" + MarkupCheck.printable(e.getMessage()) + ")");
    }
    if (!(signature instanceof SignatureImpl impl) || impl.getXMLSignature() == null) {
      throw Check.reject(Reason.SIGNATURE_PROFILE, "the signature of " + what + " was not read from XML");
    }
    XMLSignature xml = impl.getXMLSignature();
    String uri;
    String digest;
    try {
      Reference reference = xml.getSignedInfo().item(0);
      uri = reference.getURI();
      digest = reference.getMessageDigestAlgorithm() == null ? null
          : reference.getMessageDigestAlgorithm().getAlgorithmURI();
    } catch (XMLSecurityException | RuntimeException e) {
      throw Check.reject(Reason.SIGNATURE_PROFILE, "the signature of " + what + " " + MarkupCheck.printable(id)
          + " has no readable reference");
    }
    if (!("#" + id).equals(uri)) {
      throw Check.reject(Reason.SIGNATURE_PROFILE, "the signature of " + what + " " + MarkupCheck.printable(id)
          + " references " + MarkupCheck.printable(uri) + ", not the " + what + " itself");
    }
    if (!allowed(SIGNATURE_ALGORITHMS, signature.getSignatureAlgorithm()) || !allowed(DIGEST_ALGORITHMS, digest)) {
      throw Check.reject(Reason.SIGNATURE_PROFILE, "the signature of " + what + " " + MarkupCheck.printable(id)
          + " uses " + MarkupCheck.printable(signature.getSignatureAlgorithm()) + " with digest "
          + MarkupCheck.printable(digest) + "; only RSA/ECDSA with SHA-256/384/512 are accepted");
    }
    for (X509Certificate certificate : certificates) {
      try {
        SignatureValidator.validate(signature, new BasicX509Credential(certificate));
        return;
      } catch (SignatureException | RuntimeException e) {
        // try the next certificate of the IdP (metadata may list several during a key rollover)
      }
    }
    throw Check.reject(Reason.SIGNATURE_INVALID, "the signature of " + what + " " + MarkupCheck.printable(id)
        + " is not valid under any of the " + certificates.size() + " signing certificates in the IdP's metadata");
  }

  /** Whether {@code algorithm} is in {@code set}; a missing algorithm is not ({@code Set.of} throws on null). */
  static boolean allowed(Set<String> set, String algorithm) {
    return algorithm != null && set.contains(algorithm);
  }
}
