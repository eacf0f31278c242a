package eu.panosc.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness's start and stop timeouts, read from system properties (a property of this test's own). */
class KeycloakHarnessTimeoutTest {
  private static final String PROPERTY = "panosc.test.keycloak-harness-timeout";

  @AfterEach
  void clear() {
    System.clearProperty(PROPERTY);
  }

  @Test
  void unsetOrBlankIsTheDefault() {
    assertThat(KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8))).isEqualTo(Duration.ofMinutes(8));
    System.setProperty(PROPERTY, " ");
    assertThat(KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8))).isEqualTo(Duration.ofMinutes(8));
    assertThat(KeycloakHarness.DEFAULT_START_TIMEOUT).isEqualTo(Duration.ofMinutes(8));
  }

  @Test
  void wholeSecondsOrIso8601() {
    System.setProperty(PROPERTY, "600");
    assertThat(KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8))).isEqualTo(Duration.ofMinutes(10));
    System.setProperty(PROPERTY, "PT12M");
    assertThat(KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8))).isEqualTo(Duration.ofMinutes(12));
  }

  @Test
  void aBadValueFailsNamingTheProperty() {
    System.setProperty(PROPERTY, "8 minutes");
    assertThatThrownBy(() -> KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-D" + PROPERTY + "=8 minutes is not a duration (seconds, or ISO-8601 such as PT8M)");
    System.setProperty(PROPERTY, "0");
    assertThatThrownBy(() -> KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("-D" + PROPERTY + "=0 must be positive");
    System.setProperty(PROPERTY, "-PT1M");
    assertThatThrownBy(() -> KeycloakHarness.duration(PROPERTY, Duration.ofMinutes(8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("-D" + PROPERTY + "=-PT1M must be positive");
  }
}
