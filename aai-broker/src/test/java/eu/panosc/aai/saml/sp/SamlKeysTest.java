package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** SAML keys: RSA 3072 with a self-signed certificate that belongs to the key, current and next published. */
class SamlKeysTest {
  @Test
  void publishedWhenOpenedThenCurrentAndNextCertificatesOfTheKeys() throws Exception {
    SamlKeys keys = TestSamlKeys.signing();

    assertThat(keys.published()).hasSize(2);
    X509Certificate current = keys.published().get(0);
    assertThat(current).isEqualTo(keys.current().getEntityCertificate());
    assertThat(current.getSubjectX500Principal().getName()).isEqualTo("CN=sp.test");
    assertThat(current.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(((java.security.interfaces.RSAPublicKey) current.getPublicKey()).getModulus().bitLength())
        .isEqualTo(3072);
    current.checkValidity();
    current.verify(current.getPublicKey());
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(keys.current().getPrivateKey());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(current);
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).as("the certificate belongs to the private key").isTrue();
    assertThat(keys.published().get(1)).isNotEqualTo(current);
  }

  @Test
  void parseWhenKeyWithoutCertificateOrForOtherUseThenRefused() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    SamlKeyType signing = new SamlKeyType("sp.test", KeyUse.SIGNATURE, clock);
    RSAKey key = (RSAKey) signing.generate();
    RSAKey bare = new RSAKey.Builder(key.toRSAPublicKey()).privateKey(key.toRSAPrivateKey())
        .keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build();

    assertThat(signing.parse(key.toJSONString()).getParsedX509CertChain()).hasSize(1);
    assertThatThrownBy(() -> signing.parse(bare.toJSONString())).hasMessageContaining("without its X.509");
    assertThatThrownBy(() -> new SamlKeyType("sp.test", KeyUse.ENCRYPTION, clock).parse(key.toJSONString()))
        .hasMessageContaining("not enc");
    assertThatThrownBy(() -> new SamlKeyType("bad,cn=x", KeyUse.SIGNATURE, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commonNameForWhenHostIsNoPlainDnsNameThenFallback() {
    assertThat(SamlKeyType.commonNameFor("panosc.example.org", "f")).isEqualTo("panosc.example.org");
    assertThat(SamlKeyType.commonNameFor("[::1]", "f")).isEqualTo("f");
    assertThat(SamlKeyType.commonNameFor(null, "f")).isEqualTo("f");
    assertThat(SamlKeyType.commonNameFor("a".repeat(65), "f")).isEqualTo("f");
    assertThat(SamlKeyType.commonNameFor("x,CN=evil", "f")).isEqualTo("f");
  }
}
