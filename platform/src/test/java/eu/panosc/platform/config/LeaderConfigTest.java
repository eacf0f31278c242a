package eu.panosc.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The root section {@code leader}: defaults, a Lease election, and every bad value refused naming its key. */
class LeaderConfigTest {
  private static PanoscConfig load(String yaml) {
    return new ConfigLoader(Map.of()).loadString(yaml, Map.of());
  }

  @Test
  void loadWhenAbsentThenPostgresWithKubernetesDefaultTimings() {
    LeaderConfig l = load("").leader();
    assertThat(l).isEqualTo(LeaderConfig.postgres());
    assertThat(l.kind()).isEqualTo(LeaderConfig.Kind.POSTGRES);
    assertThat(l.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(l.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(l.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void loadWhenLeaseThenEveryValueBound() {
    LeaderConfig l = load("leader: {kind: lease, namespace: panosc, leaseName: eu-ctl, identity: pdp-7d9f-x,"
        + " leaseDuration: 20s, renewDeadline: 12s, retryPeriod: 3s}").leader();
    assertThat(l).isEqualTo(new LeaderConfig(LeaderConfig.Kind.LEASE, Optional.of("panosc"), "eu-ctl",
        Optional.of("pdp-7d9f-x"), Duration.ofSeconds(20), Duration.ofSeconds(12), Duration.ofSeconds(3)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{kind: zookeeper}|leader.kind|expected one of [postgres, lease]",
      "{kind: lease}|leader.namespace|is required when kind is lease",
      "{kind: lease, namespace: Bad_NS}|leader.namespace|DNS label",
      "{leaseName: Panosc}|leader.leaseName|lower-case",
      "{leaseName: a-very-long-prefix-of-the-lease-names-that-goes-on-and-on-x}|leader.leaseName|at most 50",
      "{identity: 'pod name'}|leader.identity|letters, digits",
      "{leaseDuration: 10s}|leader.leaseDuration|longer than renewDeadline",
      "{renewDeadline: 2s}|leader.renewDeadline|1.2 × retryPeriod",
      "{retryPeriod: 50ms}|leader.retryPeriod|at least 100ms",
      "{retryPeriod: soon}|leader.retryPeriod|expected a duration",
      "{kind: postgres, lease: x}|leader.lease|unknown key",
  })
  void loadWhenBadValueThenRefusedNamingTheKey(String section, String key, String message) {
    assertThatThrownBy(() -> load("leader: " + section)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key)).hasMessageContaining(message);
  }
}
