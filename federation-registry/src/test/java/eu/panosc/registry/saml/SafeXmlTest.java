package eu.panosc.registry.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

class SafeXmlTest {
  private final SafeXml xml = new SafeXml(SafeXml.DEFAULT_ENTITY_LIMIT);
  private final AtomicInteger hits = new AtomicInteger();
  private HttpServer server;
  private String base;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      hits.incrementAndGet();
      byte[] body = "<!ENTITY secret 'leaked'>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // external general entity (XXE)
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"BASE/xxe\">]><r>&x;</r>",
      // external parameter entity
      "<!DOCTYPE r [<!ENTITY % p SYSTEM \"BASE/param\"> %p;]><r/>",
      // external DTD
      "<!DOCTYPE r SYSTEM \"BASE/dtd\"><r/>",
      // billion laughs
      "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
          + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><r>&lol3;</r>",
      // hidden after a comment and a processing instruction
      "<?xml version=\"1.0\"?><!-- hi --><?pi x?>\n<!doctype r SYSTEM \"BASE/late\"><r/>"})
  void parseWhenDoctypeThenRejectedAndNothingFetched(String payload) {
    byte[] input = payload.replace("BASE", base).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> xml.parse(input))
        .isInstanceOf(MetadataException.class)
        .hasMessage("metadata XML must not contain a DTD");
    assertThat(hits).hasValue(0);
  }

  @Test
  void parseWhenUtf16DoctypeThenRejectedAndNothingFetched() {
    String payload = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE r [<!ENTITY x SYSTEM \""
        + base + "/utf16\">]><r>&x;</r>";
    byte[] input = payload.getBytes(StandardCharsets.UTF_16);

    assertThatThrownBy(() -> xml.parse(input)).hasMessage("metadata XML must not contain a DTD");
    assertThat(hits).hasValue(0);
  }

  @Test
  void parseWhenXIncludeOrSchemaLocationThenKeptAsDataAndNothingFetched() {
    String payload = "<r xmlns:xi=\"http://www.w3.org/2001/XInclude\""
        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xsi:schemaLocation=\"urn:x " + base + "/schema.xsd\">"
        + "<xi:include href=\"" + base + "/include\" parse=\"text\"/></r>";

    Document doc = xml.parse(payload.getBytes(StandardCharsets.UTF_8));

    assertThat(doc.getDocumentElement().getElementsByTagNameNS("http://www.w3.org/2001/XInclude", "include")
        .getLength()).isEqualTo(1);
    assertThat(hits).hasValue(0);
  }

  @Test
  void parseWhenMalformedThenLineInMessage() {
    byte[] input = "<r>\n<a>\n</r>".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> xml.parse(input))
        .isInstanceOf(MetadataException.class)
        .hasMessageStartingWith("metadata XML is malformed at line 3: ");
  }

  @Test
  void parseWhenTooLargeThenRejectedBeforeParsing() {
    SafeXml small = new SafeXml(10);

    assertThatThrownBy(() -> small.parse("<r>0123456789</r>".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("metadata XML is 17 bytes, more than the limit of 10 bytes");
  }

  @Test
  void parseWhenEmptyThenRejected() {
    assertThatThrownBy(() -> xml.parse(new byte[0])).hasMessage("metadata XML is empty");
  }

  @Test
  void parseWhenNamespacedThenNamespaceAware() {
    Document doc = xml.parse("<md:a xmlns:md=\"urn:x\"/>".getBytes(StandardCharsets.UTF_8));

    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("urn:x");
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("a");
  }
}
