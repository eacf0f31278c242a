package eu.panosc.keycloak.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.keycloak.pdp.PdpSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PdpClaimsMapperSettingsTest {
  private static Map<String, String> withPdp() {
    Map<String, String> m = new HashMap<>();
    m.put(PdpClaimsMapper.INCLUDE_DATASETS, "true");
    m.put(PdpSettings.PDP_URL, "https://panosc.example/pdp");
    m.put(PdpSettings.TOKEN_ENDPOINT, "https://panosc.example/aai/token");
    m.put(PdpSettings.CLIENT_ID, "esrf-keycloak-pdp");
    m.put(PdpSettings.CLIENT_SECRET, "s3cret");
    m.put(PdpSettings.FACILITY, "esrf");
    return m;
  }

  @Test
  void parseWhenNothingIsSetThenProposalsOnlyFailClosedAndDefaults() throws Exception {
    PdpClaimsMapper.Settings s = PdpClaimsMapper.Settings.parse(Map.of());
    assertThat(s.datasets()).isFalse();
    assertThat(s.pdp()).isEmpty();
    assertThat(s.failOpen()).isFalse();
    assertThat(s.root()).isEqualTo("proposals");
    assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.cacheSize()).isEqualTo(10_000);
  }

  @Test
  void parseWhenDatasetsWithAPdpThenItsSettingsAndTheFailMode() throws Exception {
    Map<String, String> m = withPdp();
    m.put(PdpClaimsMapper.FAIL_MODE, "open");
    m.put(PdpClaimsMapper.CACHE_TTL, "0");
    PdpClaimsMapper.Settings s = PdpClaimsMapper.Settings.parse(m);
    assertThat(s.pdp()).isPresent();
    assertThat(s.failOpen()).isTrue();
    assertThat(s.ttl()).isZero();
  }

  @Test
  void parseWhenValuesAreBadThenEachIsNamed() {
    Map<String, String> m = withPdp();
    m.put(PdpClaimsMapper.FAIL_MODE, "sometimes");
    m.put(PdpClaimsMapper.CACHE_TTL, "-1");
    m.put(PdpClaimsMapper.CACHE_SIZE, "0");
    m.put(PdpClaimsMapper.GROUP_ROOT, "a/b");
    m.remove(PdpSettings.FACILITY);
    assertThatThrownBy(() -> PdpClaimsMapper.Settings.parse(m)).isInstanceOf(PdpSettings.InvalidSetting.class)
        .hasMessageContaining("failMode must be closed or open, not sometimes")
        .hasMessageContaining("cacheTtlSeconds must be between 0 and 86400")
        .hasMessageContaining("cacheSize").hasMessageContaining("groupRoot").hasMessageContaining("facility");
  }

  @Test
  void parseWhenDatasetsAreOffThenThePdpIsNotRequired() throws Exception {
    assertThat(PdpClaimsMapper.Settings.parse(Map.of(PdpClaimsMapper.INCLUDE_DATASETS, "false")).pdp()).isEmpty();
  }
}
