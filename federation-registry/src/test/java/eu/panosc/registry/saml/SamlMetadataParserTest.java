package eu.panosc.registry.saml;

import static eu.panosc.registry.saml.SamlFixtures.bytes;
import static eu.panosc.registry.saml.SamlFixtures.idp;
import static eu.panosc.registry.saml.SamlFixtures.sp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SamlMetadataParserTest {
  private final SamlMetadataParser parser = new SamlMetadataParser(SamlFixtures.CLOCK);

  @Test
  void parseWhenFullIdpThenFactsExtracted() {
    SamlEntity e = parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth")));

    assertThat(e.entityId()).isEqualTo("https://idp.esrf.fr/idp/shibboleth");
    assertThat(e.roles()).containsExactly(SamlRole.IDP);
    assertThat(e.displayName()).isEqualTo("European Synchrotron Radiation Facility");
    assertThat(e.displayNames()).containsEntry("fr", "Installation européenne de rayonnement synchrotron");
    assertThat(e.descriptions()).isEqualTo(Map.of("en", "ESRF users & staff"));
    assertThat(e.logo()).contains(new SamlEntity.Logo("https://www.esrf.fr/logo.png", 80, 60));
    assertThat(e.entityAttribute(SamlNames.ASSURANCE_CERTIFICATION)).containsExactly(SamlNames.SIRTFI);
    assertThat(e.entityAttribute(SamlNames.ENTITY_CATEGORY))
        .containsExactly("http://refeds.org/category/research-and-scholarship");
    assertThat(e.assertsSirtfi()).isTrue();
    assertThat(e.securityContact()).isTrue();
    assertThat(e.sirtfiCompliant()).isTrue();
    assertThat(e.registrationAuthority()).contains("https://www.panosc.eu/federation");
    assertThat(e.scopes()).containsExactly("esrf.fr");
    assertThat(e.signingCertificates()).containsExactly(SamlFixtures.certificate("registry"));
    assertThat(e.validUntil()).isEmpty();
    assertThat(e.hiddenFromDiscovery()).isFalse();
  }

  @Test
  void parseWhenParsedThenStandaloneXmlKeepsNamespacesAndDropsComments() {
    SamlEntity e = parser.parse(bytes(idp("https://idp.esrf.fr/idp/shibboleth")));

    assertThat(e.xmlString())
        .startsWith("<md:EntityDescriptor xmlns:ds=")
        .contains("xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"", "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"", "xmlns:xsi=")
        .doesNotContain("submitted by the facility");
    // the standalone form parses on its own and yields the same entity
    assertThat(parser.parse(e.xml())).isEqualTo(e);
    // in aggregate context the md declaration belongs to the parent
    assertThat(new String(e.canonicalXml(), java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("<md:EntityDescriptor entityID=")
        .doesNotContain("xmlns:md=");
  }

  @Test
  void parseWhenNoMduiThenOrganizationDisplayNameAndDefaultNamespace() {
    SamlEntity e = parser.parse(bytes(sp("urn:mace:psi.ch:sp")));

    assertThat(e.roles()).isEqualTo(Set.of(SamlRole.SP));
    assertThat(e.displayName()).isEqualTo("Paul Scherrer Institut");
    assertThat(e.logo()).isEmpty();
    assertThat(e.isIdp()).isFalse();
  }

  @Test
  void parseWhenOwnSignatureThenRemoved() {
    String signed = idp("https://idp.esrf.fr/idp/shibboleth").replace("<md:Extensions>\n    <mdrpi",
        "<ds:Signature><ds:SignedInfo/></ds:Signature><md:Extensions>\n    <mdrpi");

    SamlEntity e = parser.parse(bytes(signed));

    assertThat(e.xmlString()).doesNotContain("ds:Signature>");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "entityID=\"https://idp.esrf.fr/idp/shibboleth\"|entityID=\"\"|md:EntityDescriptor has no entityID",
      "entityID=\"https://idp.esrf.fr/idp/shibboleth\"|entityID=\"idp/shibboleth\"|entityID idp/shibboleth must be an absolute https URL or a urn (SAML core §8.3.6)",
      "entityID=\"https://idp.esrf.fr/idp/shibboleth\"|entityID=\"http://idp.esrf.fr/idp\"|entityID http://idp.esrf.fr/idp must be an absolute https URL or a urn (SAML core §8.3.6)",
      "entityID=\"https://idp.esrf.fr/idp/shibboleth\"|entityID=\"https://idp.esrf.fr/a b\"|entityID https://idp.esrf.fr/a b is not a valid URI",
      "IDPSSODescriptor|PDPDescriptor|entity https://idp.esrf.fr/idp/shibboleth has no role: it needs an IDPSSODescriptor, SPSSODescriptor or AttributeAuthorityDescriptor",
      "<ds:X509Certificate>|<ds:X509Certificate>AAAA|entity https://idp.esrf.fr/idp/shibboleth: KeyDescriptor 1 of IDPSSODescriptor does not contain a valid X.509 certificate",
      "entityID=\"https://idp.esrf.fr/idp/shibboleth\"|entityID=\"https://idp.esrf.fr/idp/shibboleth\" validUntil=\"2026-03-01T11:59:59Z\"|entity https://idp.esrf.fr/idp/shibboleth expired: validUntil 2026-03-01T11:59:59Z is in the past",
      "entityID=\"https://idp.esrf.fr/idp/shibboleth\"|entityID=\"https://idp.esrf.fr/idp/shibboleth\" validUntil=\"soon\"|validUntil 'soon' is not a valid xs:dateTime",
      "</md:EntityDescriptor>|</md:EntityDescriptr>|metadata XML is malformed at line 75: The element type \"md:EntityDescriptor\" must be terminated by the matching end-tag \"</md:EntityDescriptor>\"."})
  void parseWhenInvalidThenClearError(String find, String replace, String message) {
    String xml = idp("https://idp.esrf.fr/idp/shibboleth").replace(find, replace);

    assertThatThrownBy(() -> parser.parse(bytes(xml)))
        .isInstanceOf(MetadataException.class)
        .hasMessage(message);
  }

  @Test
  void parseWhenValidUntilInFutureThenKept() {
    String xml = idp("https://idp.esrf.fr/idp/shibboleth")
        .replace("entityID=\"https://idp.esrf.fr/idp/shibboleth\"",
            "entityID=\"https://idp.esrf.fr/idp/shibboleth\" validUntil=\"2026-03-02T00:00:00\"");

    assertThat(parser.parse(bytes(xml)).validUntil()).contains(Instant.parse("2026-03-02T00:00:00Z"));
  }

  @Test
  void parseWhenEntitiesDescriptorThenRejected() {
    String xml = "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">"
        + sp("https://sp.psi.ch/sp") + "</md:EntitiesDescriptor>";

    assertThatThrownBy(() -> parser.parse(bytes(xml)))
        .isInstanceOf(MetadataException.class)
        .hasMessage("expected one md:EntityDescriptor but got md:EntitiesDescriptor; submit each entity on its own");
  }

  @Test
  void parseWhenWrongRootThenRejected() {
    assertThatThrownBy(() -> parser.parse(bytes("<EntityDescriptor entityID=\"https://x.org\"/>")))
        .hasMessage("root element must be md:EntityDescriptor in namespace "
            + "urn:oasis:names:tc:SAML:2.0:metadata, not EntityDescriptor");
  }

  @Test
  void parseWhenUrnEntityIdThenAccepted() {
    assertThat(parser.parse(bytes(sp("urn:mace:psi.ch:sp"))).entityId()).isEqualTo("urn:mace:psi.ch:sp");
    assertThat(List.of(SamlRole.values())).hasSize(3);
  }
}
