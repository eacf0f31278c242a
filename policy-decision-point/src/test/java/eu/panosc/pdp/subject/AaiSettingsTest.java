package eu.panosc.pdp.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code services.pdp.aai}: defaults from the issuer and base URL, the demo client, and refused halves. */
class AaiSettingsTest {
  static final URI ISSUER = URI.create("https://id.example.org/aai");
  static final URI ROOT = URI.create("https://panosc.example.org/");

  static AaiSettings read(Map<String, Object> values, boolean demo) {
    return AaiSettings.from(ConfigNode.of("services.pdp.aai", values), ISSUER, ROOT, demo);
  }

  @Test
  void fromWhenEmptyThenDefaultsAndDisabledOutsideDemo() {
    AaiSettings s = read(Map.of(), false);
    assertThat(s.tokenEndpoint()).isEqualTo(URI.create("https://id.example.org/aai/token"));
    assertThat(s.resolveEndpoint()).isEqualTo(URI.create("https://panosc.example.org/aai/v1/resolve"));
    assertThat(s.enabled()).isFalse();
    assertThat(s.cacheTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.negativeTtl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fromWhenDemoThenTheDemoClient() {
    AaiSettings s = read(Map.of(), true);
    assertThat(s.clientId()).contains("pdp-admin");
    assertThat(s.clientSecret()).contains("pdp-admin-demo-secret");
    assertThat(s.toString()).doesNotContain("pdp-admin-demo-secret");
  }

  @Test
  void fromWhenConfiguredThenUsed() {
    AaiSettings s = read(Map.of("clientId", "pdp-prod", "clientSecret", "s3cret", "resolveEndpoint",
        "https://aai.example.org/aai/v1/resolve", "cacheTtl", "1h", "cacheSize", 50), true);
    assertThat(s.clientId()).contains("pdp-prod");
    assertThat(s.resolveEndpoint()).isEqualTo(URI.create("https://aai.example.org/aai/v1/resolve"));
    assertThat(s.cacheTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(s.cacheSize()).isEqualTo(50);
  }

  @Test
  void fromWhenOnlyHalfTheCredentialsOrBadValuesThenTheKeyIsNamed() {
    assertThatThrownBy(() -> read(Map.of("clientId", "pdp"), false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("services.pdp.aai.clientSecret");
    assertThatThrownBy(() -> read(Map.of("clientSecret", "x"), false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("services.pdp.aai.clientId");
    assertThatThrownBy(() -> read(Map.of("cacheTtl", "0s"), false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cacheTtl");
    assertThatThrownBy(() -> read(Map.of("resolveEndpoint", "ftp://x"), false)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("resolveEndpoint");
  }
}
