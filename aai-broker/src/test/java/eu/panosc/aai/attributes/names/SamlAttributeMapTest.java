package eu.panosc.aai.attributes.names;

import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YNode;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamlAttributeMapTest {
  private static final YamlReader READER = new YamlReader(n -> null);

  private static SamlAttributeMap builtIn(String... extra) {
    List<YNode> files = new ArrayList<>();
    files.add(READER.resource(SamlAttributeMap.DEFAULT_RESOURCE));
    for (int i = 0; i < extra.length; i++) {
      files.add(READER.parse("extra" + i + ".yaml", extra[i]));
    }
    return SamlAttributeMap.from(files);
  }

  private static SamlAttribute uri(String name, String... values) {
    return new SamlAttribute(name, SamlAttribute.URI, null, List.of(values));
  }

  /** Names as the standards define them (see the comment in the resource for each source). */
  @ParameterizedTest
  @CsvSource({
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.13, eduPersonUniqueId",
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.7, eduPersonEntitlement",
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.11, eduPersonAssurance",
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.9, eduPersonScopedAffiliation",
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.6, eduPersonPrincipalName",
      "urn:oid:1.3.6.1.4.1.5923.1.1.1.10, eduPersonTargetedID",
      "urn:oid:1.3.6.1.4.1.25178.4.1.6, voPersonID",
      "urn:oid:1.3.6.1.4.1.25178.4.1.11, voPersonExternalAffiliation",
      "urn:oid:1.3.6.1.4.1.25178.1.2.9, schacHomeOrganization",
      "urn:oid:1.3.6.1.4.1.25178.1.2.10, schacHomeOrganizationType",
      "urn:oid:2.5.4.3, cn",
      "urn:oid:2.16.840.1.113730.3.1.241, displayName",
      "urn:oid:2.5.4.42, givenName",
      "urn:oid:2.5.4.4, sn",
      "urn:oid:0.9.2342.19200300.100.1.3, mail",
      "urn:oasis:names:tc:SAML:attribute:subject-id, subject-id",
      "urn:oasis:names:tc:SAML:attribute:pairwise-id, pairwise-id"})
  void friendlyNameWhenBuiltInMapThenStandardName(String name, String friendly) {
    SamlAttributeMap map = builtIn();

    assertThat(map.friendlyName(uri(name))).contains(friendly);
    assertThat(map.samlName(friendly, SamlAttribute.URI)).contains(name);
  }

  @Test
  void mapWhenAttributesThenFriendlyNamesAndUnknownNamesReported() {
    SamlAttributeMap.Mapped mapped = builtIn().map(List.of(uri("urn:oid:0.9.2342.19200300.100.1.3", "a@x.eu"),
        uri("urn:oid:1.2.3.4.5", "secret-ish"), uri("urn:oid:2.5.4.3", "Alice Doe")));

    assertThat(mapped.byFriendlyName()).containsExactly(Map.entry("mail", List.of("a@x.eu")),
        Map.entry("cn", List.of("Alice Doe")));
    assertThat(mapped.unmapped()).containsExactly("urn:oid:1.2.3.4.5");
  }

  @Test
  void mapWhenIdpSendsMisleadingFriendlyNameThenItIsNotTrusted() {
    SamlAttribute forged = new SamlAttribute("urn:oid:9.9.9", SamlAttribute.URI, "eduPersonUniqueId",
        List.of("admin@esrf.fr"));

    assertThat(builtIn().map(List.of(forged)).byFriendlyName()).isEmpty();
  }

  @Test
  void mapWhenSameFriendlyNameTwiceThenValuesMergedWithoutDuplicates() {
    SamlAttributeMap map = builtIn();
    SamlAttribute basic = new SamlAttribute("mail", SamlAttribute.BASIC, null, List.of("b@x.eu", "a@x.eu"));

    assertThat(map.map(List.of(uri("urn:oid:0.9.2342.19200300.100.1.3", "a@x.eu"), basic)).byFriendlyName())
        .containsExactly(Map.entry("mail", List.of("a@x.eu", "b@x.eu")));
  }

  @Test
  void friendlyNameWhenFormatAbsentThenAnyMapByName() {
    SamlAttributeMap map = builtIn();

    assertThat(map.friendlyName(new SamlAttribute("urn:oid:2.5.4.42", null, null, List.of()))).contains("givenName");
    assertThat(map.friendlyName(new SamlAttribute("urn:oid:2.5.4.42", SamlAttribute.BASIC, null, List.of())))
        .isEmpty();
  }

  @Test
  void fromWhenPysaml2JsonMapForOtherFormatThenUsedForThatFormat() {
    SamlAttributeMap map = builtIn("""
        {"identifier": "urn:mace:shibboleth:1.0:attributeNamespace:uri",
         "fro": {"urn:mace:dir:attribute-def:mail": "mail"},
         "to": {"mail": "urn:mace:dir:attribute-def:mail"}}
        """);
    SamlAttribute mace = new SamlAttribute("urn:mace:dir:attribute-def:mail",
        "urn:mace:shibboleth:1.0:attributeNamespace:uri", null, List.of("a@x.eu"));

    assertThat(map.friendlyName(mace)).contains("mail");
    assertThat(map.friendlyName(uri("urn:mace:dir:attribute-def:mail"))).isEmpty();
  }

  @Test
  void fromWhenLaterMapRedefinesNameThenLaterWins() {
    SamlAttributeMap map = builtIn("""
        identifier: urn:oasis:names:tc:SAML:2.0:attrname-format:uri
        to:
          umbrellaId: urn:oid:1.3.6.1.4.1.25178.4.1.6
        """);

    assertThat(map.friendlyName(uri("urn:oid:1.3.6.1.4.1.25178.4.1.6"))).contains("umbrellaId");
  }

  @Test
  void fromWhenListOfMapsThenEachRead() {
    SamlAttributeMap map = builtIn("""
        - identifier: urn:a
          fro: {x: ex}
        - identifier: urn:b
          fro: {y: why}
        """);

    assertThat(map.nameFormats()).contains("urn:a", "urn:b", SamlAttribute.URI);
  }

  @Test
  void fromWhenUnknownKeyOrNoDirectionThenErrorWithLine() {
    assertThatThrownBy(() -> builtIn("identifier: urn:a\nfrom: {x: y}\n"))
        .isInstanceOf(AttributeConfigException.class).hasMessageContaining("extra0.yaml line 2")
        .hasMessageContaining("unknown key 'from'");
    assertThatThrownBy(() -> builtIn("identifier: urn:a\n")).hasMessageContaining("needs 'fro'");
    assertThatThrownBy(() -> builtIn("fro: {x: y}\n")).hasMessageContaining("'identifier' is required");
  }

  @Test
  void builtInMapWhenReadThenEveryFriendlyNameOnce() {
    YNode.Mapping fro = READER.resource(SamlAttributeMap.DEFAULT_RESOURCE).mapping("map").get("fro").mapping("fro");
    List<String> friendly = fro.keys().stream().map(k -> fro.get(k).text(k)).toList();

    assertThat(friendly).doesNotHaveDuplicates().hasSizeGreaterThan(60);
  }

  @Test
  void builtInMapsWhenTogetherThenEverySamlNameOfTheInternalMapHasAUriName() {
    SamlAttributeMap map = builtIn();
    var internal = eu.panosc.aai.attributes.internal.InternalAttributeMap.from(
        READER.resource("attributes/internal_attributes.yaml"));

    assertThat(internal.externalNames("saml")).filteredOn(f -> map.samlName(f, SamlAttribute.URI).isEmpty())
        .containsExactlyInAnyOrder("email", "emailAddress", "surname");
  }
}
