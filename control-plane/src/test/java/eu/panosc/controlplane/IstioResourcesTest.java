package eu.panosc.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names and comments of {@code panosc mesh istio}'s resources (the whole output: {@code PanoscMeshIstioIT}). */
class IstioResourcesTest {
  static final String DNS1123 = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";

  @Test
  void nameWhenHostIsOrdinaryLongOrOddThenAValidDistinctKubernetesName() {
    assertThat(IstioResources.name("scicat.esrf.example", -1)).isEqualTo("panosc-scicat.esrf.example");
    assertThat(IstioResources.name("icat.ill.example", 8080)).isEqualTo("panosc-icat.ill.example-8080");
    String a = IstioResources.name("a".repeat(250) + ".example", -1);
    String b = IstioResources.name("a".repeat(250) + ".example2", -1);
    assertThat(a).hasSizeLessThanOrEqualTo(253).matches(DNS1123);
    assertThat(b).hasSizeLessThanOrEqualTo(253).matches(DNS1123).isNotEqualTo(a);
    assertThat(IstioResources.name("Host_With_Underscore.example", -1)).matches(DNS1123)
        .isEqualTo("panosc-host-with-underscore.example");
  }

  @Test
  void yamlWhenARuleHoldsControlCharactersThenTheCommentStaysOneLine() {
    var s = new IstioResources.Service("https://x.example", List.of(Map.of("path", "/a\n- evil: true",
        "public", true)));
    String yaml = IstioResources.yaml("esrf", List.of(s), new IstioResources.Target("istio-system",
        Map.of("istio", "ingressgateway"), "p", "pdp", 9191, "1s", "https://i", "https://i/jwks"));
    assertThat(yaml).contains("#   * /a?- evil: true -> public").doesNotContain("\n- evil");
  }
}
