package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.SatosaCorpus;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerAttributeProcessorsTest {
  private static final ProcessingContext CONTEXT = new ProcessingContext("u", "https://idp", null, List.of());

  private static Map<String, List<String>> apply(PerAttributeProcessors p, Map<String, List<String>> in) {
    Map<String, List<String>> attrs = new LinkedHashMap<>(in);
    p.apply(CONTEXT, attrs);
    return attrs;
  }

  private static PerAttributeProcessors parse(String yaml) {
    return PerAttributeProcessors.from(new YamlReader(n -> null).parse("p.yaml", yaml), new ArrayList<>());
  }

  @Test
  void applyWhenCorpusThenGenderCodedIdentifierHashedThenScopedRoleRewritten() {
    PerAttributeProcessors p = PerAttributeProcessors.from(
        SatosaCorpus.read("attribute_processor.yaml").mapping("file").get("config"), new ArrayList<>());

    Map<String, List<String>> out = apply(p, Map.of("gender", List.of("female"), "identifier", List.of("id-1"),
        "role", List.of("staff-esrf", "guest")));

    assertThat(out.get("gender")).containsExactly("2");
    // sha256("id-1" + "abcdef0123456789") per Python hashlib, then "@example.com" appended
    assertThat(out.get("identifier"))
        .containsExactly("6a011cad9b201cc605548c0a4295ac809cdc9786e0d7963e6c9a040b9f82d0cb@example.com");
    // the corpus's !ENV patterns, from SatosaCorpus.ENV: ^staff-(.*)$ -> \1-member
    assertThat(out.get("role")).containsExactly("esrf-member", "guest");
  }

  @Test
  void applyWhenGenderTextsThenIso5218Codes() {
    PerAttributeProcessors p = parse("""
        process:
        - attribute: gender
          processors: [{name: GenderToSchacProcessor, module: m}]
        """);

    assertThat(apply(p, Map.of("gender", List.of("male"))).get("gender")).containsExactly("1");
    assertThat(apply(p, Map.of("gender", List.of("not specified"))).get("gender")).containsExactly("9");
    assertThat(apply(p, Map.of("gender", List.of("other"))).get("gender")).containsExactly("0");
    assertThat(apply(p, Map.of())).doesNotContainKey("gender");
  }

  @Test
  void applyWhenScopeRemoverThenLocalPart() {
    PerAttributeProcessors p = parse("""
        process:
        - attribute: uid
          processors: [{name: ScopeRemoverProcessor, module: m}]
        """);

    assertThat(apply(p, Map.of("uid", List.of("alice@esrf.fr", "bob"))).get("uid")).containsExactly("alice", "bob");
  }

  @Test
  void fromWhenUnknownProcessorOrMissingSettingThenErrorWithLine() {
    assertThatThrownBy(() -> parse("""
        process:
        - attribute: a
          processors:
          - name: MagicProcessor
            module: x
        """)).hasMessageContaining("p.yaml line 4").hasMessageContaining("unknown attribute processor 'MagicProcessor'");
    assertThatThrownBy(() -> parse("""
        process:
        - attribute: a
          processors:
          - name: ScopeProcessor
            module: x
        """)).hasMessageContaining("'scope' is required");
    assertThatThrownBy(() -> parse("""
        process:
        - attribute: a
          processors:
          - {name: RegexSubProcessor, module: x, regex_sub_match_pattern: "(", regex_sub_replace_pattern: y}
        """)).hasMessageContaining("not a valid regular expression");
  }
}
