package eu.panosc.accounting.export.eosc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exponential backoff with jitter, capped, never shorter than Retry-After. */
class BackoffTest {
  final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), new Random(42));

  @Test
  void delayWhenFailuresGrowThenBetweenHalfAndAllOfTheDoubledBase() {
    for (int n = 0; n < 12; n++) {
      long full = Math.min(60_000, 1_000L << n);
      for (int i = 0; i < 50; i++) {
        long d = backoff.delay(n, Optional.empty()).toMillis();
        assertThat(d).isBetween(full / 2, full);
      }
    }
  }

  @Test
  void delayWhenRetryAfterLongerThenRetryAfterButAtMostADay() {
    assertThat(backoff.delay(0, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofMinutes(5));
    assertThat(backoff.delay(0, Optional.of(Duration.ofDays(30)))).isEqualTo(Duration.ofDays(1));
    assertThat(backoff.delay(10, Optional.of(Duration.ofMillis(1))).toMillis()).isBetween(30_000L, 60_000L);
  }

  @Test
  void delayWhenManyDrawsThenNotAllEqual() {
    assertThat(java.util.stream.IntStream.range(0, 20).mapToObj(i -> backoff.delay(5, Optional.empty())).distinct()
        .count()).as("jitter").isGreaterThan(1);
  }
}
