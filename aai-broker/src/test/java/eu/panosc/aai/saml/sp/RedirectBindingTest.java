package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The HTTP-Redirect binding's encoding and query signature, and what a receiver refuses. */
class RedirectBindingTest {
  private static final String XML = "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\""
      + " Version=\"2.0\" IssueInstant=\"2030-01-01T00:00:00Z\">\u00e9t\u00e9</samlp:AuthnRequest>";

  @Test
  void decodeWhenEncodedThenSameBytesAndRawDeflate() {
    String encoded = RedirectBinding.encode(XML);

    assertThat(new String(RedirectBinding.decode(encoded), StandardCharsets.UTF_8)).isEqualTo(XML);
    byte[] raw = Base64.getDecoder().decode(encoded);
    assertThat(raw[0] & 0xff).as("raw DEFLATE has no zlib header 0x78").isNotEqualTo(0x78);
  }

  @Test
  void parseWhenSignedQueryThenVerifiesOnlyUnderTheSignersKeyAndUnchanged() {
    var keys = TestSamlKeys.signing();
    String query = RedirectBinding.signedQuery("SAMLRequest", XML, "handle-1", keys.current().getPrivateKey());

    var received = RedirectBinding.parse(query, "SAMLRequest");
    assertThat(new String(received.message(), StandardCharsets.UTF_8)).isEqualTo(XML);
    assertThat(received.relayState()).isEqualTo("handle-1");
    assertThat(received.sigAlg()).isEqualTo(RedirectBinding.RSA_SHA256);
    assertThat(received.verifiedBy(List.of(keys.current().getPublicKey()))).isTrue();
    assertThat(received.verifiedBy(List.of(TestSamlKeys.other().current().getPublicKey()))).isFalse();

    String tampered = query.replace("RelayState=handle-1", "RelayState=handle-2");
    assertThat(RedirectBinding.parse(tampered, "SAMLRequest").verifiedBy(List.of(keys.current().getPublicKey())))
        .isFalse();
    String unsigned = query.substring(0, query.indexOf("&SigAlg="));
    assertThat(RedirectBinding.parse(unsigned, "SAMLRequest").verifiedBy(List.of(keys.current().getPublicKey())))
        .isFalse();
    String weak = query.replace(RedirectBinding.url(RedirectBinding.RSA_SHA256),
        RedirectBinding.url("http://www.w3.org/2000/09/xmldsig#rsa-sha1"));
    assertThat(RedirectBinding.parse(weak, "SAMLRequest").verifiedBy(List.of(keys.current().getPublicKey())))
        .as("only RSA-SHA256").isFalse();
  }

  @Test
  void parseWhenMalformedThenSamlMessageExceptionSayingWhat() {
    assertThatThrownBy(() -> RedirectBinding.parse(null, "SAMLRequest")).isInstanceOf(SamlMessageException.class)
        .hasMessageContaining("no SAMLRequest");
    assertThatThrownBy(() -> RedirectBinding.parse("RelayState=x", "SAMLRequest"))
        .hasMessageContaining("no SAMLRequest");
    assertThatThrownBy(() -> RedirectBinding.parse("SAMLRequest=a&SAMLRequest=b", "SAMLRequest"))
        .hasMessageContaining("repeated");
    assertThatThrownBy(() -> RedirectBinding.parse("SAMLRequest=%%%", "SAMLRequest"))
        .isInstanceOf(SamlMessageException.class);
    assertThatThrownBy(() -> RedirectBinding.parse("SAMLRequest=bm90IGRlZmxhdGU%3D", "SAMLRequest"))
        .hasMessageContaining("DEFLATE");
    assertThatThrownBy(() -> RedirectBinding.parse("SAMLRequest=" + "A".repeat(RedirectBinding.MAX_QUERY),
        "SAMLRequest")).hasMessageContaining("too long");
    assertThatThrownBy(() -> RedirectBinding.parse("SAMLRequest=" + RedirectBinding.url(RedirectBinding.encode(XML))
        + "&RelayState=" + "r".repeat(81), "SAMLRequest")).hasMessageContaining("80 bytes");
  }

  @Test
  void decodeWhenDeflateBombThenRefusedBeyondTheLimit() {
    byte[] zeros = new byte[10 * 1024 * 1024];
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    d.setInput(zeros);
    d.finish();
    byte[] buf = new byte[64 * 1024];
    int n = d.deflate(buf);
    d.end();
    String bomb = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf, n));

    assertThat(bomb.length()).isLessThan(RedirectBinding.MAX_QUERY);
    assertThatThrownBy(() -> RedirectBinding.decode(bomb)).isInstanceOf(SamlMessageException.class)
        .hasMessageContaining("inflates beyond");
  }
}
