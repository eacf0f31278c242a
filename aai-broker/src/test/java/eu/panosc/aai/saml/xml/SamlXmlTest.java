package eu.panosc.aai.saml.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The hardened parser: what it refuses, what it keeps, and that OpenSAML (and so its Decrypter) uses it. */
class SamlXmlTest {
  private static final String DOC = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
      + " ID=\"_r\" Version=\"2.0\" IssueInstant=\"2031-01-01T00:00:00Z\">%s</samlp:Response>";
  private final SamlXml xml = SamlXml.get();

  private static byte[] doc(String prolog, String body) {
    return (prolog + DOC.formatted(body)).getBytes(StandardCharsets.UTF_8);
  }

  private XmlRefusedException.Kind refusal(byte[] bytes) {
    XmlRefusedException[] e = new XmlRefusedException[1];
    assertThatThrownBy(() -> xml.parse(bytes, 1 << 20)).isInstanceOfSatisfying(XmlRefusedException.class,
        x -> e[0] = x);
    return e[0].kind();
  }

  @Test
  void getWhenInitialisedThenOpenSamlsRegisteredPoolIsTheHardenedOne() {
    assertThat(XMLObjectProviderRegistrySupport.getParserPool()).isSameAs(xml.parserPool());
  }

  @Test
  void parseWhenAnExternalEntityIsDeclaredThenDoctype() {
    assertThat(refusal(doc("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;")))
        .isEqualTo(XmlRefusedException.Kind.DOCTYPE);
  }

  @Test
  void parseWhenTheDoctypeIsHiddenByUtf16ThenTheParserStillRefusesIt() {
    String text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE r [<!ENTITY x \"y\">]>" + DOC.formatted("&x;");

    assertThat(refusal(text.getBytes(StandardCharsets.UTF_16))).isEqualTo(XmlRefusedException.Kind.DOCTYPE);
  }

  @Test
  void parseWhenLargerThanAllowedThenTooLarge() {
    assertThatThrownBy(() -> xml.parse(doc("", ""), 10)).isInstanceOfSatisfying(XmlRefusedException.class,
        e -> assertThat(e.kind()).isEqualTo(XmlRefusedException.Kind.TOO_LARGE));
  }

  @Test
  void parseWhenNotWellFormedThenMalformed() {
    assertThat(refusal("<samlp:Response".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(XmlRefusedException.Kind.MALFORMED);
  }

  @Test
  void parseWhenDeeperThanTheElementDepthLimitThenMalformed() {
    assertThat(refusal(doc("", "<a>".repeat(100) + "</a>".repeat(100))))
        .isEqualTo(XmlRefusedException.Kind.MALFORMED);
  }

  @Test
  void parseWhenXIncludeThenNotProcessed() throws Exception {
    Element root = xml.parse(doc("", "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\""
        + " href=\"file:///etc/passwd\" parse=\"text\"/>"), 1 << 20);

    assertThat(root.getFirstChild().getLocalName()).isEqualTo("include");
    assertThat(root.getTextContent()).isEmpty();
  }

  @Test
  void parseWhenACommentSplitsTextThenTheCommentIsKeptForTheCallerToRefuse() throws Exception {
    Element root = xml.parse(doc("", "user@evil.com<!---->.example.org"), 1 << 20);

    assertThat(root.getChildNodes().item(1).getNodeType()).isEqualTo(Node.COMMENT_NODE);
    assertThat(root.getTextContent()).isEqualTo("user@evil.com.example.org");
  }

  @Test
  void unmarshalWhenAResponseThenTheObjectKeepsItsDom() throws Exception {
    assertThat(xml.unmarshal(doc("", ""), 1 << 20).getDOM()).isNotNull();
  }
}
