package eu.panosc.aai.saml.sp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import eu.panosc.platform.keys.RotatingSigningKeys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * RSA 3072 keys for SAML: the private JWK carries a self-signed X.509 certificate ({@code x5c}), which is what SAML
 * metadata publishes in its {@code KeyDescriptor}s. Rotated and stored sealed by the platform's
 * {@link RotatingSigningKeys} like the token keys; a stored key without a certificate is not one of these.
 */
public final class SamlKeyType implements RotatingSigningKeys.KeyType {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The certificate outlives any key's use: rotation period plus overlap is far shorter. */
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(3 * 365);

  private final String commonName;
  private final KeyUse use;
  private final Clock clock;

  /**
   * @param commonName the certificate's subject and issuer CN (e.g. the SP's host name)
   * @param use signing or encryption
   */
  public SamlKeyType(String commonName, KeyUse use, Clock clock) {
    this.commonName = Objects.requireNonNull(commonName, "commonName");
    this.use = Objects.requireNonNull(use, "use");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!commonName.matches("[A-Za-z0-9.\\- ]{1,64}")) {
      throw new IllegalArgumentException("certificate common name " + commonName);
    }
  }

  /**
   * A certificate common name for the public host {@code host}: the host itself when it is a plain DNS name of at
   * most 64 characters, else (an IPv6 literal, a very long name, none) {@code fallback}.
   */
  public static String commonNameFor(String host, String fallback) {
    return host != null && host.matches("[A-Za-z0-9.\\-]{1,64}") ? host : fallback;
  }

  @Override
  public JWK generate() throws JOSEException {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(3072, RANDOM);
      KeyPair pair = gen.generateKeyPair();
      X509Certificate cert = selfSigned(pair, commonName, clock.instant(), CERTIFICATE_VALIDITY);
      return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
          .keyUse(use).x509CertChain(List.of(Base64.encode(cert.getEncoded()))).keyIDFromThumbprint().build();
    } catch (GeneralSecurityException e) {
      throw new JOSEException("cannot generate an RSA key with its certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public JWK parse(String json) throws ParseException {
    RSAKey key = RSAKey.parse(json);
    if (key.getParsedX509CertChain() == null || key.getParsedX509CertChain().isEmpty()) {
      throw new ParseException("an RSA key without its X.509 certificate", 0);
    }
    if (key.getKeyUse() != use) {
      throw new ParseException("an RSA key for " + key.getKeyUse() + ", not " + use, 0);
    }
    return key;
  }

  @Override
  public String label() {
    return "RSA 3072 SAML " + (use == KeyUse.ENCRYPTION ? "encryption" : "signing");
  }

  @Override
  public boolean slow() {
    return true;
  }

  /** A self-signed certificate (SHA256withRSA) for {@code pair}, valid from a minute before {@code now}. */
  static X509Certificate selfSigned(KeyPair pair, String cn, Instant now, Duration validity)
      throws GeneralSecurityException {
    X500Name name = new X500Name("CN=" + cn);
    BigInteger serial = new BigInteger(128, RANDOM);
    try {
      var builder = new JcaX509v3CertificateBuilder(name, serial, Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), name, pair.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }
}
