package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.SatosaCorpus;
import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.attributes.yaml.AttributeConfigException;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessorChainTest {
  private static final YamlReader READER = new YamlReader(n -> null);

  @Test
  void fromWhenCorpusMicroServicesThenAllAcceptedAndAppliedInOrder() {
    ProcessorChain chain = ProcessorChain.from(List.of(SatosaCorpus.read("filter_attributes.yaml"),
        SatosaCorpus.read("attribute_processor.yaml"), SatosaCorpus.read("hasher.yaml")), "edupersontargetedid",
        List.of(), null);

    Map<String, List<String>> out = chain.apply(new ProcessingContext("u", "https://idp.esrf.fr", null,
            List.of(IdpScope.literal("esrf.fr"))),
        Map.of("eduPersonAffiliation", List.of("wizard"), "edupersontargetedid", List.of("alice@demo.panosc.eu")));

    assertThat(chain.describe()).hasSize(3);
    assertThat(out).doesNotContainKey("eduPersonAffiliation");
    assertThat(out.get("edupersontargetedid")).containsExactly(
        "cad997bd28e843bc8927ef5ec1a6b93224d3bb7eb35e567b45d9e02d4adcea7c");
  }

  @Test
  void fromWhenIdpHintingCorpusThenRefusedAsRequestMicroService() {
    var hinting = SatosaCorpus.read("idp_hinting.yaml"); // outside the lambda: a missing corpus skips the test
    assertThatThrownBy(() -> ProcessorChain.from(List.of(hinting), null, List.of(), null)).isInstanceOf(AttributeConfigException.class).hasMessageContaining("idp_hinting.yaml line 1")
        .hasMessageContaining("request micro-service");
  }

  @Test
  void fromWhenUnknownModuleThenErrorNamesItAndTheKnownOnes() {
    assertThatThrownBy(() -> ProcessorChain.from(List.of(READER.parse("m.yaml",
        "name: X\nmodule: satosa.micro_services.ldap_attribute_store.LdapAttributeStore\nconfig: {}\n")), null,
        List.of(), null)).hasMessageContaining("m.yaml line 2")
        .hasMessageContaining("unknown micro-service module 'satosa.micro_services.ldap_attribute_store")
        .hasMessageContaining("satosa.micro_services.hasher.Hasher");
  }

  @Test
  void fromWhenStaticAttributesThenReplaceValues() {
    ProcessorChain chain = ProcessorChain.from(List.of(READER.parse("s.yaml", """
        module: satosa.micro_services.attribute_modifications.AddStaticAttributes
        name: Static
        config:
          static_attributes:
            organization: PaNOSC
            schachomeorganization: [panosc.eu]
        """)), null, List.of(), null);

    assertThat(chain.apply(new ProcessingContext("u", "i", null, List.of()),
        Map.of("schachomeorganization", List.of("evil.org"))))
        .containsEntry("organization", List.of("PaNOSC")).containsEntry("schachomeorganization", List.of("panosc.eu"));
  }

  @Test
  void fromWhenInternalHashListWithoutSaltThenRefused() {
    assertThatThrownBy(() -> ProcessorChain.from(List.of(), null, List.of("uid"), null))
        .hasMessageContaining("'hash'").hasMessageContaining("[uid]");
  }

  @Test
  void applyWhenInternalHashListThenSha512WithSalt() {
    ProcessorChain chain = ProcessorChain.from(List.of(), null, List.of("uid"), new Salt("abcdef0123456789"));

    assertThat(chain.apply(new ProcessingContext("u", "i", null, List.of()),
        Map.of("uid", List.of("alice@demo.panosc.eu"))).get("uid")).containsExactly(
        "06b82432524a97a21c493ba9257403859a06837f50457b7640e1054ec42f871aec1d"
            + "32877e83f7e510acff94a57f69319f7fb6c1888654049f9f8a718e6b999b");
  }

  @Test
  void missingWhenRequiredAttributesAbsentOrBlankThenNamedInOrder() {
    RequiredAttributes required = new RequiredAttributes(List.of("mail", "displayname", "surname"));

    assertThat(required.missing(Map.of("displayname", List.of(" "), "surname", List.of("Doe"))))
        .containsExactly("mail", "displayname");
    assertThat(required.missing(Map.of("mail", List.of("a"), "displayname", List.of("A"), "surname",
        List.of("D")))).isEmpty();
  }

  @Test
  void pythonRegexWhenPythonSyntaxThenJavaEquivalent() {
    assertThat(PythonRegex.compile("^a\\Z").matcher("a\n").find()).isFalse();
    assertThat(PythonRegex.compile("(?P<x>b)(?P=x)").matcher("bb").matches()).isTrue();
    assertThat(PythonRegex.compile("(a)(b)").matcher("ab").replaceAll(PythonRegex.replacement("\\2\\g<1>$")))
        .isEqualTo("ba$");
  }
}
