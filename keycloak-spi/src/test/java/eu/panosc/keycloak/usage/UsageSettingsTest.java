package eu.panosc.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageSettingsTest {

  @Test
  void defaultsApplyWhenOnlyTheFacilityIsSet() {
    UsageSettings s = UsageSettings.read(Map.of("facility", "esrf")::get, Path.of("/kc/data/panosc-usage"));
    assertThat(s.directory()).isEqualTo(Path.of("/kc/data/panosc-usage"));
    assertThat(s.maxQueueBytes()).isEqualTo(64L << 20);
    assertThat(s.accountingUrl()).isNull();
    assertThat(s.eventTypes()).containsExactlyInAnyOrder("LOGIN", "CLIENT_LOGIN", "CODE_TO_TOKEN", "REFRESH_TOKEN",
        "LOGOUT");
    assertThat(s.scope()).isEqualTo("accounting:ingest");
    assertThat(s.identityProvider()).isEqualTo("panosc");
    assertThat(s.maxBackoff()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.fsyncInterval()).as("written before Keycloak answers, forced every 100 ms")
        .isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void anAccountingUrlNeedsClientCredentials() {
    assertThatThrownBy(() -> UsageSettings.read(Map.of("facility", "esrf", "accounting-url",
        "https://a.example/accounting")::get, Path.of("/q")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token-endpoint, client-id and client-secret");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> UsageSettings.read(Map.of("max-queue-mb", "-3")::get, Path.of("/q")))
        .hasMessageContaining("max-queue-mb must be a positive integer");
    assertThatThrownBy(() -> UsageSettings.read(Map.of("fsync-interval-ms", "20000")::get, Path.of("/q")))
        .hasMessageContaining("fsync-interval-ms must be an integer from 0 to 10000");
    assertThat(UsageSettings.read(Map.of("fsync-interval-ms", "50")::get, Path.of("/q")).fsyncInterval())
        .isEqualTo(Duration.ofMillis(50));
    assertThat(UsageSettings.read(Map.of("fsync-interval-ms", "0")::get, Path.of("/q")).fsyncInterval())
        .as("0 still chooses a flush before every answer").isZero();
    assertThatThrownBy(() -> UsageSettings.read(Map.of("accounting-url", "ftp://x", "token-endpoint", "https://t",
        "client-id", "c", "client-secret", "s")::get, Path.of("/q"))).hasMessageContaining("accounting-url must be");
  }

  @Test
  void theSecretIsNotInToString() {
    UsageSettings s = UsageSettings.read(Map.of("facility", "esrf", "accounting-url", "https://a/acc",
        "token-endpoint", "https://t/token", "client-id", "kc", "client-secret", "s3cr3t-value")::get, Path.of("/q"));
    assertThat(s.toString()).doesNotContain("s3cr3t-value").contains("kc");
  }
}
