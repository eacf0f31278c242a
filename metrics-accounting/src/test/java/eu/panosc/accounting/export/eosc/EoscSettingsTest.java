package eu.panosc.accounting.export.eosc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.accounting.AccountingSettings;
import eu.panosc.accounting.model.Metric;
import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code services.accounting.eosc}: off by default, complete when on, every mistake named. */
class EoscSettingsTest {
  static EoscSettings of(Map<String, Object> values) {
    return EoscSettings.from(ConfigNode.of("services.accounting.eosc", values));
  }

  static Map<String, Object> enabled() {
    Map<String, Object> m = new HashMap<>();
    m.put("enabled", "true");
    m.put("url", "https://accounting.example.org");
    m.put("tokenFile", "/run/secrets/eosc-token");
    m.put("installations", Map.of("esrf/esrf-hpc", "inst-1"));
    m.put("metricDefinitions", Map.of("cpu_core_hours", "def-1"));
    return m;
  }

  @Test
  void fromWhenEmptyThenDisabledWithDefaults() {
    EoscSettings s = of(Map.of());
    assertThat(s.enabled()).isFalse();
    assertThat(s.interval()).isEqualTo(Duration.ofHours(1));
    assertThat(s.closeAfter()).isEqualTo(Duration.ofDays(1));
    assertThat(s.installations()).isEmpty();
    assertThat(EoscSettings.disabled().enabled()).isFalse();
  }

  @Test
  void fromWhenEnabledAndCompleteThenMappingsRead() {
    Map<String, Object> m = enabled();
    m.put("since", "2026-01");
    EoscSettings s = of(m);
    assertThat(s.installations()).containsEntry(new EoscSettings.Installation("esrf", "esrf-hpc"), "inst-1");
    assertThat(s.metricDefinitions()).containsEntry(Metric.CPU_CORE_HOURS, "def-1");
    assertThat(s.since()).hasValueSatisfying(y -> assertThat(y.toString()).isEqualTo("2026-01"));
  }

  @Test
  void fromWhenEnabledButIncompleteThenEachMissingPartNamed() {
    for (String key : new String[] {"url", "tokenFile", "installations", "metricDefinitions"}) {
      Map<String, Object> m = enabled();
      m.remove(key);
      assertThatThrownBy(() -> of(m)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("services.accounting.eosc." + ("tokenFile".equals(key) ? "tokenEndpoint" : key));
    }
  }

  @Test
  void fromWhenValuesWrongThenKeyAndFixNamed() {
    Map<String, Object> both = enabled();
    both.put("tokenEndpoint", "https://aai.example.org/token");
    assertThatThrownBy(() -> of(both)).hasMessageContaining("not both");
    Map<String, Object> noSecret = enabled();
    noSecret.remove("tokenFile");
    noSecret.put("tokenEndpoint", "https://aai.example.org/token");
    noSecret.put("clientId", "me");
    assertThatThrownBy(() -> of(noSecret)).hasMessageContaining("services.accounting.eosc.clientSecret");
    assertThatThrownBy(() -> of(Map.of("installations", Map.of("no-slash", "x"))))
        .hasMessageContaining("services.accounting.eosc.installations.no-slash").hasMessageContaining("facility/");
    assertThatThrownBy(() -> of(Map.of("metricDefinitions", Map.of("bananas", "x"))))
        .hasMessageContaining("unknown metric");
    assertThatThrownBy(() -> of(Map.of("metricDefinitions", new java.util.TreeMap<>(Map.of("cpu_core_hours", "d",
        "gpu_hours", "d"))))).hasMessageContaining("services.accounting.eosc.metricDefinitions.gpu_hours")
        .hasMessageContaining("already given");
    assertThatThrownBy(() -> of(Map.of("url", "ftp://x"))).hasMessageContaining("services.accounting.eosc.url");
    assertThatThrownBy(() -> of(Map.of("interval", "0s"))).hasMessageContaining("services.accounting.eosc.interval");
    assertThatThrownBy(() -> of(Map.of("since", "2026-13"))).hasMessageContaining("since");
    assertThatThrownBy(() -> of(Map.of("enabeld", "true"))).hasMessageContaining("enabeld")
        .hasMessageContaining("unknown key");
  }

  @Test
  void accountingSettingsWhenEoscSectionPresentThenNotAnUnknownKey() {
    assertThat(AccountingSettings.from(ConfigNode.of("services.accounting", Map.of("eosc", enabled())))
        .maxBatchRecords()).isEqualTo(10_000);
  }

  @Test
  void checkConfigWhenPushEnabledButIncompleteThenRefusedBeforeStart() {
    assertThatThrownBy(() -> new eu.panosc.accounting.AccountingApplication().checkConfig(ConfigNode.of(
        "services.accounting", Map.of("eosc", Map.of("enabled", "true"))), null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("services.accounting.eosc.url");
  }

  @Test
  void clientSecretWhenPrintedThenRedacted() {
    Map<String, Object> m = enabled();
    m.remove("tokenFile");
    m.put("tokenEndpoint", "https://aai.example.org/token");
    m.put("clientId", "me");
    m.put("clientSecret", "very-secret");
    assertThat(of(m).toString()).doesNotContain("very-secret");
  }
}
