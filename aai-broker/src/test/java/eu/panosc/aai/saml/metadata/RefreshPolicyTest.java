package eu.panosc.aai.saml.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefreshPolicyTest {
  private static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");
  private static final Instant FAR = NOW.plus(Duration.ofDays(30));
  private final RefreshPolicy policy = new RefreshPolicy(Duration.ofMinutes(5), Duration.ofHours(12));

  @Test
  void cacheDurationWithinBoundsThenUsed() {
    assertThat(policy.nextRefresh(NOW, FAR, Optional.of(Duration.ofHours(1)))).isEqualTo(NOW.plusSeconds(3600));
  }

  @Test
  void cacheDurationOutsideBoundsThenClamped() {
    assertThat(policy.nextRefresh(NOW, FAR, Optional.of(Duration.ofSeconds(1)))).isEqualTo(NOW.plusSeconds(300));
    assertThat(policy.nextRefresh(NOW, FAR, Optional.of(Duration.ofDays(7)))).isEqualTo(NOW.plusSeconds(12 * 3600));
    assertThat(policy.nextRefresh(NOW, FAR, Optional.empty())).isEqualTo(NOW.plusSeconds(12 * 3600));
  }

  @Test
  void validUntilSoonThenRefreshedHalfWayButNotSoonerThanMin() {
    assertThat(policy.nextRefresh(NOW, NOW.plusSeconds(3600), Optional.of(Duration.ofHours(6))))
        .isEqualTo(NOW.plusSeconds(1800));
    assertThat(policy.nextRefresh(NOW, NOW.plusSeconds(60), Optional.empty())).isEqualTo(NOW.plusSeconds(300));
  }

  @Test
  void badBoundsThenRefused() {
    assertThatThrownBy(() -> new RefreshPolicy(Duration.ZERO, Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RefreshPolicy(Duration.ofHours(2), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
