package eu.panosc.aai.saml.sp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import eu.panosc.platform.keys.SigningKeys;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.opensaml.security.x509.BasicX509Credential;

/**
 * One rotating SAML key set ({@link SamlKeyType}) seen as OpenSAML credentials: the current key with its certificate,
 * and the certificates to publish in metadata (current, next, recently retired).
 */
public final class SamlKeys {
  private final SigningKeys keys;

  public SamlKeys(SigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** The current private key and its certificate. */
  public BasicX509Credential current() {
    return credential(keys.signingKey());
  }

  /** The certificates to publish, current first; the next key's is among them from the moment it exists. */
  public List<X509Certificate> published() {
    X509Certificate current = certificate(keys.signingKey());
    java.util.ArrayList<X509Certificate> out = new java.util.ArrayList<>();
    out.add(current);
    for (JWK k : keys.publishedKeys().getKeys()) {
      X509Certificate c = certificate(k);
      if (!c.equals(current)) {
        out.add(c);
      }
    }
    return List.copyOf(out);
  }

  /** Every published key with its private part, current first (the keys an IdP may have encrypted to). */
  public List<BasicX509Credential> publishedCredentials() {
    return keys.publishedPrivateKeys().stream().map(SamlKeys::credential).toList();
  }

  static BasicX509Credential credential(JWK jwk) {
    try {
      RSAKey rsa = jwk.toRSAKey();
      BasicX509Credential credential = new BasicX509Credential(certificate(jwk), rsa.toPrivateKey());
      credential.setEntityId(jwk.getKeyID());
      return credential;
    } catch (JOSEException e) {
      throw new IllegalStateException("stored SAML key " + jwk.getKeyID() + " has no usable private key", e);
    }
  }

  static X509Certificate certificate(JWK jwk) {
    List<X509Certificate> chain = jwk.getParsedX509CertChain();
    if (chain == null || chain.isEmpty()) {
      throw new IllegalStateException("stored SAML key " + jwk.getKeyID() + " has no certificate");
    }
    return chain.get(0);
  }
}
