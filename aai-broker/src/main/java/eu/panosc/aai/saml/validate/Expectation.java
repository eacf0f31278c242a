package eu.panosc.aai.saml.validate;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a Response must match: our SP entity id and assertion consumer service URL, the id of the AuthnRequest we sent
 * (unsolicited responses are refused), the IdP's entity id and signing certificates (from its metadata only, never from
 * the message), our decryption keys (several while a key is rotated), the time and the allowed clock skew.
 *
 * @see <a href="https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf">SAML 2.0 profiles §4.1.4.3</a>
 */
public record Expectation(String spEntityId, String acsUrl, String requestId, String idpEntityId,
    List<X509Certificate> idpSigningCertificates, List<DecryptionKey> decryptionKeys, Instant now,
    Duration allowedSkew) {
  /** At most this skew is accepted (SAML deployments use seconds to a few minutes). */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  public Expectation {
    Objects.requireNonNull(spEntityId, "spEntityId");
    Objects.requireNonNull(acsUrl, "acsUrl");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(idpEntityId, "idpEntityId");
    idpSigningCertificates = List.copyOf(idpSigningCertificates);
    decryptionKeys = List.copyOf(decryptionKeys);
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(allowedSkew, "allowedSkew");
    if (idpSigningCertificates.isEmpty()) {
      throw new IllegalArgumentException("the IdP " + idpEntityId + " has no signing certificate in its metadata");
    }
    if (allowedSkew.isNegative() || allowedSkew.compareTo(MAX_SKEW) > 0) {
      throw new IllegalArgumentException("allowedSkew must be between 0 and " + MAX_SKEW);
    }
  }

  /** One SP decryption key and its certificate. */
  public record DecryptionKey(PrivateKey privateKey, X509Certificate certificate) {
    public DecryptionKey {
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(certificate, "certificate");
    }
  }
}
