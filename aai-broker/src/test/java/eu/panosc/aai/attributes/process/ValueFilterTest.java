package eu.panosc.aai.attributes.process;

import eu.panosc.aai.attributes.SatosaCorpus;
import eu.panosc.aai.attributes.scope.IdpScope;
import eu.panosc.aai.attributes.yaml.YNode;
import eu.panosc.aai.attributes.yaml.YamlReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueFilterTest {
  private static final List<IdpScope> SCOPES = List.of(IdpScope.literal("esrf.fr"),
      IdpScope.regexp("^([a-z0-9-]+\\.)?ill\\.eu$"));

  private static ProcessingContext context(String idp, String requester) {
    return new ProcessingContext("umbrellaid", idp, requester, SCOPES);
  }

  private static ValueFilter corpus() {
    YNode file = SatosaCorpus.read("filter_attributes.yaml");
    return ValueFilter.from(file.mapping("file").get("config"));
  }

  private static Map<String, List<String>> apply(ValueFilter f, ProcessingContext c, Map<String, List<String>> in) {
    Map<String, List<String>> attrs = new LinkedHashMap<>(in);
    f.apply(c, attrs);
    return attrs;
  }

  @Test
  void applyWhenCorpusVocabularyThenOnlyKnownAffiliationsKept() {
    Map<String, List<String>> out = apply(corpus(), context("https://idp.esrf.fr", null), Map.of(
        "eduPersonAffiliation", List.of("staff", "wizard", "member"),
        "eduPersonPrimaryAffiliation", List.of("overlord")));

    assertThat(out).containsExactly(Map.entry("eduPersonAffiliation", List.of("staff", "member")));
  }

  @Test
  void applyWhenCorpusScopedAttributesThenScopeCheckedAgainstShibmdScope() {
    Map<String, List<String>> out = apply(corpus(), context("https://idp.esrf.fr", null), Map.of(
        "eduPersonScopedAffiliation", List.of("staff@esrf.fr", "staff@evil.org", "wizard@esrf.fr",
            "member@ESRF.FR", "member@www.ill.eu"),
        "eduPersonPrincipalName", List.of("alice@esrf.fr", "alice@esrf.fr@evil.org", "alice"),
        "schacHomeOrganization", List.of("esrf.fr", "sub.esrf.fr", "ill.eu")));

    assertThat(out.get("eduPersonScopedAffiliation")).containsExactly("staff@esrf.fr", "member@ESRF.FR",
        "member@www.ill.eu");
    assertThat(out.get("eduPersonPrincipalName")).containsExactly("alice@esrf.fr");
    assertThat(out.get("schacHomeOrganization")).containsExactly("esrf.fr", "ill.eu");
  }

  @Test
  void applyWhenCorpusSubjectIdThenSyntaxAndScopeChecked() {
    Map<String, List<String>> out = apply(corpus(), context("https://idp.esrf.fr", null), Map.of(
        "subject-id", List.of("a1b2@esrf.fr", "a1b2@esrf.fr\n", "-x@esrf.fr", "a1b2@other.org"),
        "pairwise-id", List.of("HASH=@esrf.fr")));

    assertThat(out.get("subject-id")).containsExactly("a1b2@esrf.fr");
    assertThat(out.get("pairwise-id")).containsExactly("HASH=@esrf.fr");
  }

  @Test
  void applyWhenCorpusProviderSpecificRuleThenOnlyForThatIdpAndRequester() {
    Map<String, List<String>> in = Map.of("attr1", List.of("foo:bar", "foo:baz"));

    assertThat(apply(corpus(), context("target_provider1", "requester1"), in))
        .containsExactly(Map.entry("attr1", List.of("foo:bar")));
    assertThat(apply(corpus(), context("target_provider1", "other"), in)).isEqualTo(in);
    assertThat(apply(corpus(), context("another_idp", "requester1"), in)).isEqualTo(in);
  }

  @Test
  void applyWhenEveryValueFilteredThenAttributeRemoved() {
    assertThat(apply(corpus(), context("x", null), Map.of("eduPersonAffiliation", List.of("wizard")))).isEmpty();
  }

  @Test
  void applyWhenEmptyAttributeNameThenFilterOnEveryAttribute() {
    ValueFilter f = ValueFilter.from(new YamlReader(n -> null).parse("f.yaml", """
        attribute_filters:
          "":
            "":
              "": "^[^<>]*$"
        """));

    assertThat(apply(f, context("x", null), Map.of("a", List.of("ok", "<script>"), "b", List.of("<b>"))))
        .containsExactly(Map.entry("a", List.of("ok")));
  }

  @Test
  void fromWhenUnknownFilterTypeOrBadRegexThenErrorWithLine() {
    YamlReader r = new YamlReader(n -> null);
    assertThatThrownBy(() -> ValueFilter.from(r.parse("f.yaml", """
        attribute_filters:
          "":
            "":
              mail: {regex: "x"}
        """))).hasMessageContaining("f.yaml line 4").hasMessageContaining("unknown key 'regex'");
    assertThatThrownBy(() -> ValueFilter.from(r.parse("f.yaml", """
        attribute_filters:
          "":
            "":
              mail: "(unclosed"
        """))).hasMessageContaining("f.yaml line 4").hasMessageContaining("not a valid regular expression");
  }
}
