package eu.panosc.registry.saml;

import static eu.panosc.registry.saml.SamlFixtures.bytes;
import static eu.panosc.registry.saml.SamlFixtures.idp;
import static eu.panosc.registry.saml.SamlFixtures.sp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Element;

/**
 * Issue 9, item 15: member metadata that a SAML consumer (OpenSAML, what a Shibboleth SP loads metadata
 * with) would refuse is refused before it is stored, and the aggregate stays valid whatever a member
 * submitted.
 */
class SamlValidationTest {
  private static final String SP = sp("https://sp.psi.ch/shibboleth");
  private final SamlMetadataParser parser = new SamlMetadataParser(SamlFixtures.CLOCK);

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // find | replace | expected part of the message
      "<SPSSODescriptor |<SPSSODescriptor cacheDuration=\"one hour\" |cacheDuration 'one hour' on SPSSODescriptor is not an xs:duration",
      "<EntityDescriptor |<EntityDescriptor cacheDuration=\"P1Y2\" |is not an xs:duration",
      " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"|''|needs a protocolSupportEnumeration that includes urn:oasis:names:tc:SAML:2.0:protocol",
      "urn:oasis:names:tc:SAML:2.0:protocol\"|urn:oasis:names:tc:SAML:1.1:protocol\"|needs a protocolSupportEnumeration that includes urn:oasis:names:tc:SAML:2.0:protocol",
      "<EntityDescriptor |<EntityDescriptor validUntil=\"10000-01-01T00:00:00Z\" |validUntil",
      "<Organization>|<Organization ID=\"_a\">|does not conform to the SAML 2.0 metadata schema",
      "index=\"0\"|index=\"first\"|does not conform to the SAML 2.0 metadata schema",
      "<OrganizationName xml:lang=\"de\">|<OrganizationName>|does not conform to the SAML 2.0 metadata schema",
      "</SPSSODescriptor>|</SPSSODescriptor><Unknown/>|does not conform to the SAML 2.0 metadata schema"})
  void parseWhenConsumerWouldRefuseThenRefusedWithReason(String find, String replace, String message) {
    String xml = SP.replace(find, replace);
    assertThat(xml).isNotEqualTo(SP);

    assertThatThrownBy(() -> parser.parse(bytes(xml))).isInstanceOf(MetadataException.class)
        .hasMessageContaining(message);
  }

  @Test
  void parseWhenSpWithoutAssertionConsumerServiceThenRefused() {
    String xml = SP.replaceAll("(?s)<AssertionConsumerService .*?/>", "");

    assertThatThrownBy(() -> parser.parse(bytes(xml))).isInstanceOf(MetadataException.class)
        .hasMessageContaining("SPSSODescriptor has no md:AssertionConsumerService");
  }

  @Test
  void parseWhenDuplicateIdsThenRefusedNamingTheId() {
    String xml = SP.replace("<EntityDescriptor ", "<EntityDescriptor ID=\"_dup\" ")
        .replace("<SPSSODescriptor ", "<SPSSODescriptor ID=\"_dup\" ");

    assertThatThrownBy(() -> parser.parse(bytes(xml))).isInstanceOf(MetadataException.class)
        .hasMessageContaining("the ID '_dup' appears more than once");
  }

  @Test
  void parseWhenSchemaViolationThenMessageSaysWhere() {
    String xml = SP.replace("index=\"0\"", "index=\"first\"");

    assertThatThrownBy(() -> parser.parse(bytes(xml))).hasMessageContaining("first")
        .hasMessageContaining("/EntityDescriptor/SPSSODescriptor/AssertionConsumerService");
  }

  @Test
  void parseWhenMemberHasIdsThenTheyAreDropped() {
    String xml = SP.replace("<EntityDescriptor ", "<EntityDescriptor ID=\"_20260301T120000Z\" ")
        .replace("<SPSSODescriptor ", "<SPSSODescriptor ID=\"_role\" ");

    SamlEntity entity = parser.parse(bytes(xml));

    assertThat(entity.xmlString()).doesNotContain(" ID=").doesNotContain("_20260301T120000Z").doesNotContain("_role");
  }

  @Test
  void parseWhenFixturesThenSchemaValid() {
    assertThat(parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth"))).entityId())
        .isEqualTo("https://idp.esrf.fr/idp/shibboleth");
    assertThat(parser.parse(bytes(SP)).entityId()).isEqualTo("https://sp.psi.ch/shibboleth");
  }

  /** A member that tries every trick still yields an aggregate a SAML consumer loads whole and trusts. */
  @Test
  void buildWhenHostileMemberThenAggregateSchemaValidSignedAndUnambiguous() throws Exception {
    XmlSigning signing = SamlFixtures.signing("registry");
    MetadataAggregate aggregate = new MetadataAggregate(signing,
        new MetadataAggregate.Settings("https://registry.panosc.eu/metadata", Duration.ofDays(7), Duration.ofHours(6)));
    // a guess at the aggregate's ID (today's timestamp format), on the entity and on a role
    String hostile = sp("https://evil.example.org/sp")
        .replace("<EntityDescriptor ", "<EntityDescriptor ID=\"_20260301T120000Z\" ")
        .replace("<SPSSODescriptor ", "<SPSSODescriptor ID=\"_other\" cacheDuration=\"PT1H\" ");
    List<SamlEntity> entities = List.of(parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth"))),
        parser.parse(bytes(hostile)), parser.parse(bytes(SP)));

    byte[] xml = aggregate.build(entities, SamlFixtures.NOW);

    Element root = SamlFixtures.parse(xml).getDocumentElement();
    SamlSchema.validate(root);
    assertThat(root.getAttribute("ID")).matches("_[0-9a-f]{32}");
    assertThat(new String(xml, StandardCharsets.UTF_8)).containsOnlyOnce(" ID=\"").doesNotContain("_other");
    assertThat(SamlFixtures.jdkVerifies(xml, signing.certificate().getPublicKey())).isTrue();
    // and the registry's own importer (pinned key, one reference covering the root) accepts it whole
    assertThat(parser.parseAggregate(xml, signing.certificate()).entities()).hasSize(3);
    samlsignVerifies(xml, signing);
  }

  @Test
  void buildWhenAggregateThenOpenSamlSamlsignVerifiesIt() throws Exception {
    XmlSigning signing = SamlFixtures.signing("registry");
    MetadataAggregate aggregate = new MetadataAggregate(signing,
        new MetadataAggregate.Settings("https://registry.panosc.eu/metadata", Duration.ofDays(7), Duration.ofHours(6)));
    byte[] xml = aggregate.build(List.of(parser.parse(bytes(SP))), SamlFixtures.NOW);
    samlsignVerifies(xml, signing);
    // a tampered aggregate must fail there, or the check proves nothing
    String tampered = new String(xml, StandardCharsets.UTF_8).replace("Paul Scherrer Institut", "Paul Scherrer Instituu");
    assertThat(samlsign(tampered.getBytes(StandardCharsets.UTF_8), signing)).isNotZero();
  }

  /**
   * OpenSAML C++'s {@code samlsign} (package opensaml-tools; the library a Shibboleth SP loads metadata with)
   * parses the aggregate with its schema-validating parser, unmarshals it and verifies the signature. Skipped
   * where the tool is not installed.
   */
  private void samlsignVerifies(byte[] xml, XmlSigning signing) throws Exception {
    assertThat(samlsign(xml, signing)).as("samlsign verifies the aggregate").isZero();
  }

  private int samlsign(byte[] xml, XmlSigning signing) throws IOException, InterruptedException {
    Path tool = Path.of("/usr/bin/samlsign");
    Assumptions.assumeTrue(Files.isExecutable(tool), "OpenSAML samlsign is not installed (apt-get install opensaml-tools)");
    Path file = Files.write(dir.resolve("aggregate-" + System.nanoTime() + ".xml"), xml);
    Path cert = dir.resolve("registry-cert.pem");
    Files.writeString(cert, SamlFixtures.resource("registry-cert.pem"));
    Process p = new ProcessBuilder(tool.toString(), "-f", file.toString(), "-c", cert.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      System.err.println("samlsign: " + output);
    }
    return p.exitValue();
  }
}
