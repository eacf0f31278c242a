package eu.panosc.keycloak.pdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PdpSettingsTest {
  static Map<String, String> good() {
    Map<String, String> m = new HashMap<>();
    m.put(PdpSettings.PDP_URL, "https://panosc.example/pdp/");
    m.put(PdpSettings.TOKEN_ENDPOINT, "https://panosc.example/aai/token");
    m.put(PdpSettings.CLIENT_ID, "esrf-keycloak-pdp");
    m.put(PdpSettings.CLIENT_SECRET, "s3cret");
    m.put(PdpSettings.FACILITY, "esrf");
    return m;
  }

  @Test
  void parseWhenCompleteThenSettingsWithTheDefaultBudget() throws Exception {
    PdpSettings s = PdpSettings.parse(good());
    assertThat(s.pdpUrl()).isEqualTo(URI.create("https://panosc.example/pdp"));
    assertThat(s.facility()).isEqualTo("esrf");
    assertThat(s.budget()).isEqualTo(Duration.ofMillis(200));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pdpUrl | ftp://panosc.example/pdp",
      "pdpUrl | not a url",
      "pdpUrl | https://user:pw@panosc.example/pdp",
      "pdpUrl | https://panosc.example/pdp?x=1",
      "tokenEndpoint | /aai/token",
      "budgetMillis | -1",
      "budgetMillis | 0",
      "budgetMillis | 60001",
      "budgetMillis | soon"})
  void parseWhenAValueIsBadThenTheMessageNamesIt(String field, String value) {
    Map<String, String> m = good();
    m.put(field, value);
    assertThatThrownBy(() -> PdpSettings.parse(m)).isInstanceOf(PdpSettings.InvalidSetting.class)
        .hasMessageContaining(field);
  }

  @Test
  void parseWhenRequiredValuesAreMissingThenEachIsNamed() {
    assertThatThrownBy(() -> PdpSettings.parse(Map.of())).hasMessageContaining(PdpSettings.PDP_URL)
        .hasMessageContaining(PdpSettings.TOKEN_ENDPOINT).hasMessageContaining(PdpSettings.CLIENT_ID)
        .hasMessageContaining(PdpSettings.CLIENT_SECRET).hasMessageContaining(PdpSettings.FACILITY);
  }

  @Test
  void parseWhenTheSecretIsBadThenTheMessageDoesNotRepeatIt() {
    Map<String, String> m = good();
    m.put(PdpSettings.CLIENT_SECRET, "abc\u0001def");
    assertThatThrownBy(() -> PdpSettings.parse(m)).hasMessageContaining(PdpSettings.CLIENT_SECRET)
        .hasMessageNotContaining("abc");
  }
}
