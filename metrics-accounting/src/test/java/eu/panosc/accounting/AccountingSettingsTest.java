package eu.panosc.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.config.ConfigException;
import eu.panosc.platform.config.ConfigNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountingSettingsTest {
  @Test
  void fromWhenEmptyThenDefaults() {
    assertThat(AccountingSettings.from(ConfigNode.empty("services.accounting"))).isEqualTo(new AccountingSettings(
        Duration.ofDays(2), Duration.ofDays(31), 10_000, Duration.ofMinutes(15), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(10)));
  }

  @Test
  void fromWhenSetThenRead() {
    AccountingSettings s = AccountingSettings.from(ConfigNode.of("services.accounting", Map.of("lateAfter", "6h",
        "maxRecordDuration", "7d", "maxBatchRecords", 500, "futureTolerance", "0s", "readWait", "0s",
        "rollupInterval", "250ms", "rollupQuiet", "0s", "rollupMaxYield", "1h")));
    assertThat(s).isEqualTo(new AccountingSettings(Duration.ofHours(6), Duration.ofDays(7), 500, Duration.ZERO,
        Duration.ZERO, Duration.ofMillis(250), Duration.ZERO, Duration.ofHours(1)));
  }

  @Test
  void fromWhenOutOfRangeOrUnknownThenErrorNamesTheKey() {
    assertThatThrownBy(() -> AccountingSettings.from(ConfigNode.of("services.accounting",
        Map.of("lateAfter", "0s")))).isInstanceOf(ConfigException.class).hasMessageContaining("lateAfter");
    assertThatThrownBy(() -> AccountingSettings.from(ConfigNode.of("services.accounting",
        Map.of("maxRecordDuration", "400d")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxRecordDuration");
    assertThatThrownBy(() -> AccountingSettings.from(ConfigNode.of("services.accounting",
        Map.of("maxBatchRecords", 0)))).isInstanceOf(ConfigException.class).hasMessageContaining("maxBatchRecords");
    assertThatThrownBy(() -> AccountingSettings.from(ConfigNode.of("services.accounting",
        Map.of("rollupInterval", "50ms")))).isInstanceOf(ConfigException.class)
        .hasMessage("services.accounting.rollupInterval: expected a duration from 100ms to 60m such as 1s");
    assertThatThrownBy(() -> AccountingSettings.from(ConfigNode.of("services.accounting",
        Map.of("rollupMaxYield", "2h")))).isInstanceOf(ConfigException.class).hasMessageContaining("rollupMaxYield");
    assertThatThrownBy(() -> AccountingSettings.from(ConfigNode.of("services.accounting",
        Map.of("lateAftr", "1d")))).isInstanceOf(ConfigException.class).hasMessageContaining("lateAftr");
  }
}
