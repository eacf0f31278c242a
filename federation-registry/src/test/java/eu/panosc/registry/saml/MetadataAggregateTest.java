package eu.panosc.registry.saml;

import static eu.panosc.registry.saml.SamlFixtures.NOW;
import static eu.panosc.registry.saml.SamlFixtures.bytes;
import static eu.panosc.registry.saml.SamlFixtures.idp;
import static eu.panosc.registry.saml.SamlFixtures.jdkVerifies;
import static eu.panosc.registry.saml.SamlFixtures.sp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class MetadataAggregateTest {
  private static final MetadataAggregate.Settings SETTINGS =
      new MetadataAggregate.Settings("https://registry.panosc.eu/metadata", Duration.ofDays(7), Duration.ofHours(6));

  private final SamlMetadataParser parser = new SamlMetadataParser(SamlFixtures.CLOCK);
  private final XmlSigning signing = SamlFixtures.signing("registry");
  private final MetadataAggregate aggregate = new MetadataAggregate(signing, SETTINGS);

  private List<SamlEntity> entities() {
    return List.of(
        parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth"))),
        parser.parse(bytes(sp("https://sp.psi.ch/shibboleth"))),
        parser.parse(bytes(sp("urn:mace:ill.eu:sp"))));
  }

  @Test
  void buildWhenEntitiesThenJdkVerifiesSignature() {
    byte[] xml = aggregate.build(entities(), NOW);

    assertThat(jdkVerifies(xml, signing.certificate().getPublicKey())).isTrue();
    assertThat(jdkVerifies(xml, SamlFixtures.certificate("other").getPublicKey())).isFalse();
  }

  @Test
  void buildWhenEntitiesThenRootAttributesAndSignatureFirst() {
    Element root = SamlFixtures.parse(aggregate.build(entities(), NOW)).getDocumentElement();

    assertThat(root.getLocalName()).isEqualTo("EntitiesDescriptor");
    assertThat(root.getNamespaceURI()).isEqualTo(SamlNames.MD);
    assertThat(root.getAttribute("Name")).isEqualTo("https://registry.panosc.eu/metadata");
    assertThat(root.getAttribute("validUntil")).isEqualTo("2026-03-08T12:00:00Z");
    assertThat(root.getAttribute("cacheDuration")).isEqualTo("PT6H");
    assertThat(root.getAttribute("ID")).as("unpredictable: _ and 128 random bits").matches("_[0-9a-f]{32}")
        .isNotEqualTo(SamlFixtures.parse(aggregate.build(entities(), NOW)).getDocumentElement().getAttribute("ID"));
    List<String> children = new ArrayList<>();
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        children.add(e.getLocalName() + (e.hasAttribute("entityID") ? " " + e.getAttribute("entityID") : ""));
      }
    }
    assertThat(children).containsExactly("Signature", "EntityDescriptor https://idp.esrf.fr/idp/shibboleth",
        "EntityDescriptor https://sp.psi.ch/shibboleth", "EntityDescriptor urn:mace:ill.eu:sp");
  }

  @Test
  void buildWhenOneCharacterOfAnEntityChangedThenVerificationFails() {
    String xml = new String(aggregate.build(entities(), NOW), StandardCharsets.UTF_8);
    String tampered = xml.replace("Paul Scherrer Institut", "Paul Scherrer Instituu");
    assertThat(tampered).isNotEqualTo(xml);

    assertThat(jdkVerifies(tampered.getBytes(StandardCharsets.UTF_8), signing.certificate().getPublicKey()))
        .isFalse();
  }

  @Test
  void buildWhenValidUntilTamperedThenVerificationFails() {
    String xml = new String(aggregate.build(entities(), NOW), StandardCharsets.UTF_8);
    String tampered = xml.replace("validUntil=\"2026-03-08", "validUntil=\"2027-03-08");

    assertThat(jdkVerifies(tampered.getBytes(StandardCharsets.UTF_8), signing.certificate().getPublicKey()))
        .isFalse();
  }

  @Test
  void buildWhenEcKeyAndSpecialCharactersInNameThenJdkVerifies() {
    XmlSigning ec = SamlFixtures.signing("ec");
    MetadataAggregate withEc = new MetadataAggregate(ec,
        new MetadataAggregate.Settings("PaN \"federation\" & <friends>\t", Duration.ofHours(1), Duration.ofMinutes(5)));

    byte[] xml = withEc.build(entities(), NOW);

    assertThat(ec.signatureAlgorithm()).isEqualTo("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
    assertThat(jdkVerifies(xml, ec.certificate().getPublicKey())).isTrue();
    assertThat(SamlFixtures.parse(xml).getDocumentElement().getAttribute("Name"))
        .isEqualTo("PaN \"federation\" & <friends>\t");
  }

  @Test
  void writeWhenStreamedThenSameBytesAsBuild() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MetadataAggregate fixedId = new MetadataAggregate(signing, SETTINGS, () -> "_0123456789abcdef0123456789abcdef");

    fixedId.write(entities(), NOW, out);

    assertThat(out.toByteArray()).isEqualTo(fixedId.build(entities(), NOW));
  }

  @Test
  void buildWhenSignedAggregateReimportedThenSameEntities() {
    byte[] xml = aggregate.build(entities(), NOW);

    SamlMetadataParser.ImportedAggregate imported = parser.parseAggregate(xml, signing.certificate());

    // the standalone form may gain the parent's md declaration; the signed (canonical) form is unchanged
    assertThat(imported.entities()).extracting(SamlEntity::entityId)
        .containsExactlyElementsOf(entities().stream().map(SamlEntity::entityId).toList());
    for (int i = 0; i < entities().size(); i++) {
      assertThat(imported.entities().get(i).canonicalXml()).isEqualTo(entities().get(i).canonicalXml());
    }
    assertThat(imported.rejected()).isEmpty();
  }

  @Test
  void buildWhenEmptyOrDuplicateThenRejected() {
    SamlEntity sp = parser.parse(bytes(sp("https://sp.psi.ch/shibboleth")));

    assertThatThrownBy(() -> aggregate.build(List.of(), NOW)).hasMessage("an aggregate needs at least one entity");
    assertThatThrownBy(() -> aggregate.build(List.of(sp, sp), NOW))
        .hasMessage("entity https://sp.psi.ch/shibboleth appears more than once in the aggregate");
  }
}
