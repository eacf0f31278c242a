package eu.panosc.accounting.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportPageSettingsTest {
  static ConfigNode node(Map<String, Object> values) {
    return ConfigNode.of("services.accounting.reportPage", values);
  }

  @Test
  void fromWhenAbsentThenOffOutsideDemoAndDemoClientInDemo() {
    assertThat(ReportPageSettings.from(node(Map.of()), false).clientId()).isEmpty();
    ReportPageSettings demo = ReportPageSettings.from(node(Map.of()), true);
    assertThat(demo.clientId()).contains("accounting-reports");
    assertThat(demo.clientSecret()).isEqualTo("accounting-reports-demo-secret");
    assertThat(demo.readerEntitlements()).containsExactly(ReportPageSettings.DEMO_READER);
    assertThat(demo.sessionLifetime()).isEqualTo(Duration.ofHours(8));
    assertThat(demo.toString()).doesNotContain("secret");
  }

  @Test
  void fromWhenConfiguredThenRead() {
    ReportPageSettings s = ReportPageSettings.from(node(Map.of("clientId", "c", "clientSecret", "s",
        "readerEntitlements", List.of("urn:x#y"), "sessionLifetime", "1h")), false);
    assertThat(s.clientId()).contains("c");
    assertThat(s.readerEntitlements()).containsExactly("urn:x#y");
    assertThat(s.sessionLifetime()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void fromWhenIncompleteOrUnknownThenErrorNamingTheKey() {
    assertThatThrownBy(() -> ReportPageSettings.from(node(Map.of("clientId", "c", "readerEntitlements", "u")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("reportPage.clientSecret");
    assertThatThrownBy(() -> ReportPageSettings.from(node(Map.of("clientId", "c", "clientSecret", "s")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("reportPage.readerEntitlements");
    assertThatThrownBy(() -> ReportPageSettings.from(node(Map.of("sessionLifetime", "1m")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sessionLifetime");
    assertThatThrownBy(() -> ReportPageSettings.from(node(Map.of("clientID", "c")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("clientID");
  }
}
