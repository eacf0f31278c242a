package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code services.aai.registryUpstreams}: defaults, and a bad or unknown key named. */
class RegistryUpstreamSettingsTest {
  private static RegistryUpstreamSettings read(Map<String, Object> values) {
    return RegistryUpstreamSettings.from(ConfigNode.of("services.aai.registryUpstreams", values));
  }

  @Test
  void fromWhenAbsentThenEnabledWithoutSecretsAndWhenGivenThenRead() {
    assertThat(read(Map.of())).isEqualTo(RegistryUpstreamSettings.DEFAULT);
    RegistryUpstreamSettings s = read(Map.of("credentialsDirectory", "/run/secrets/upstreams", "refresh", "1m",
        "enabled", false));
    assertThat(s.credentialsDirectory()).contains(Path.of("/run/secrets/upstreams"));
    assertThat(s.refresh()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.enabled()).isFalse();
  }

  @Test
  void fromWhenBadThenTheKeyNamed() {
    assertThatThrownBy(() -> read(Map.of("credentialsDirectory", "relative/dir")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("registryUpstreams.credentialsDirectory");
    assertThatThrownBy(() -> read(Map.of("refresh", "1s"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("registryUpstreams.refresh");
    assertThatThrownBy(() -> read(Map.of("credentialDirectory", "/x"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("credentialDirectory");
  }
}
