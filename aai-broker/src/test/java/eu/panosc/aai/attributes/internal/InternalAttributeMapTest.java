package eu.panosc.aai.attributes.internal;

import eu.panosc.aai.attributes.SatosaCorpus;
import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InternalAttributeMapTest {
  private static InternalAttributeMap parse(String yaml) {
    return InternalAttributeMap.from(new YamlReader(n -> null).parse("internal.yaml", yaml));
  }

  private static InternalAttributeMap corpus() {
    return InternalAttributeMap.from(SatosaCorpus.read("internal_attributes.yaml"));
  }

  @Test
  void fromWhenSatosaCorpusThenAcceptedAsIs() {
    InternalAttributeMap map = corpus();

    assertThat(map.names()).containsExactly("address", "displayname", "edupersontargetedid", "givenname", "mail",
        "name", "surname");
    assertThat(map.externalNames("mail", "saml")).containsExactly("email", "emailAddress", "mail");
    assertThat(map.externalNames("address", "openid")).containsExactly("address.street_address");
    assertThat(map.externalNames("edupersontargetedid", "facebook")).containsExactly("id");
    assertThat(map.userIdFromAttrs()).containsExactly("edupersontargetedid");
    assertThat(map.userIdToAttr()).contains("edupersontargetedid");
    assertThat(map.hash()).isEmpty();
  }

  @Test
  void toInternalWhenSeveralSamlNamesThenMergedInListedOrderWithoutDuplicates() {
    Map<String, List<String>> internal = corpus().toInternal("saml", Map.of(
        "mail", List.of("c@x.eu", "a@x.eu"), "email", List.of("a@x.eu"), "emailAddress", List.of("b@x.eu"),
        "sn", List.of("Doe"), "surname", List.of("Doe", "Roe"), "unknownName", List.of("dropped")));

    assertThat(internal).containsExactly(Map.entry("mail", List.of("a@x.eu", "b@x.eu", "c@x.eu")),
        Map.entry("surname", List.of("Doe", "Roe")));
  }

  @Test
  void toInternalWhenOpenidNestedClaimThenReadFromObject() {
    Map<String, List<String>> internal = corpus().toInternal("openid", Map.of(
        "address", Map.of("street_address", "1 Rue de la Science", "country", "FR"),
        "email", "alice@demo.panosc.eu", "sub", "abc", "given_name", List.of("Alice")));

    assertThat(internal).containsEntry("address", List.of("1 Rue de la Science"))
        .containsEntry("mail", List.of("alice@demo.panosc.eu")).containsEntry("edupersontargetedid", List.of("abc"))
        .containsEntry("givenname", List.of("Alice"));
  }

  @Test
  void toInternalWhenProfileUnusedThenOnlyItsAttributes() {
    Map<String, List<String>> internal = corpus().toInternal("github", Map.of("login", "octocat", "id", 42));

    assertThat(internal).containsExactly(Map.entry("displayname", List.of("octocat")),
        Map.entry("edupersontargetedid", List.of("42")));
  }

  @Test
  void fromInternalWhenOpenidThenFirstNameAndNestedObjects() {
    Map<String, Object> claims = corpus().fromInternal("openid", Map.of(
        "address", List.of("1 Rue de la Science"), "mail", List.of("a@x.eu"), "notMapped", List.of("x")));

    assertThat(claims).containsEntry("email", List.of("a@x.eu"))
        .containsEntry("address", Map.of("street_address", List.of("1 Rue de la Science")))
        .doesNotContainKey("notMapped");
  }

  @Test
  void fromInternalWhenTwoDottedNamesShareParentThenMergedIntoOneObject() {
    InternalAttributeMap map = parse("""
        attributes:
          street: {openid: [address.street_address]}
          town: {openid: [address.locality]}
        """);

    assertThat(map.fromInternal("openid", Map.of("street", List.of("1 Main"), "town", List.of("Lund"))))
        .isEqualTo(Map.of("address", Map.of("street_address", List.of("1 Main"), "locality", List.of("Lund"))));
  }

  @Test
  void fromWhenUnknownTopKeyThenErrorNamesKeyAndLine() {
    assertThatThrownBy(() -> parse("attributes:\n  mail: {saml: [mail]}\nuser_id_form_attrs: [mail]\n"))
        .isInstanceOf(AttributeConfigException.class)
        .hasMessageStartingWith("internal.yaml line 3: internal attributes: unknown key 'user_id_form_attrs'");
  }

  @Test
  void fromWhenTemplateAttributesThenClearRefusal() {
    assertThatThrownBy(() -> parse("attributes:\n  mail: {saml: [mail]}\ntemplate_attributes: {}\n"))
        .hasMessageContaining("line 3").hasMessageContaining("template_attributes");
  }

  @Test
  void fromWhenProfileNotAListOfNamesThenError() {
    assertThatThrownBy(() -> parse("attributes:\n  mail:\n    saml: {a: b}\n"))
        .hasMessageContaining("line 3").hasMessageContaining("attributes.mail.saml");
    assertThatThrownBy(() -> parse("attributes:\n  mail:\n    openid: [address..x]\n"))
        .hasMessageContaining("line 3").hasMessageContaining("'address..x'");
  }

  @Test
  void fromWhenUserIdFromUnknownAttributeThenError() {
    assertThatThrownBy(() -> parse("attributes:\n  mail: {saml: [mail]}\nuser_id_from_attrs: [uid]\n"))
        .hasMessageContaining("line 3").hasMessageContaining("'uid' is not an internal attribute");
  }

  @Test
  void fromWhenValueAndObjectAtSamePlaceThenError() {
    assertThatThrownBy(() -> parse("attributes:\n  a: {openid: [address]}\n  b: {openid: [address.street]}\n"))
        .hasMessageContaining("line 3").hasMessageContaining("once as a value and once as an object");
  }

  @Test
  void fromWhenHashListedThenKept() {
    assertThat(parse("attributes:\n  uid: {saml: [uid]}\nhash: [uid]\n").hash()).containsExactly("uid");
  }

  @Test
  void builtInMapWhenReadThenCoversBothProfiles() {
    InternalAttributeMap map = InternalAttributeMap.from(new YamlReader(n -> null)
        .resource("attributes/internal_attributes.yaml"));

    assertThat(map.externalNames("eduPersonEntitlement", "saml")).containsExactly("eduPersonEntitlement");
    assertThat(map.externalNames("voPersonID", "openid")).containsExactly("voperson_id");
    assertThat(map.externalNames("subject-id", "saml")).containsExactly("subject-id");
  }

  @Test
  void toInternalWhenClaimValueUnstorableThenDropped() {
    Map<String, List<String>> internal = corpus().toInternal("openid", Map.of("email",
        List.of("a@x.eu\r\nBcc: evil", "y".repeat(4097), "b@x.eu")));

    assertThat(internal).containsExactly(Map.entry("mail", List.of("b@x.eu")));
  }
}
