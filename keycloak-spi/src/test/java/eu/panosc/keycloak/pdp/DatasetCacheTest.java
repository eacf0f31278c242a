package eu.panosc.keycloak.pdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetCacheTest {
  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-07T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void getWhenWithinTheTtlThenTheListAndAfterItNothing() {
    MovingClock clock = new MovingClock();
    DatasetCache cache = new DatasetCache(Duration.ofSeconds(30), 10, clock);
    cache.put("sub-1", List.of("10.1/a", "10.1/b"));
    clock.now = clock.now.plusSeconds(29);
    assertThat(cache.get("sub-1")).contains(List.of("10.1/a", "10.1/b"));
    clock.now = clock.now.plusSeconds(1);
    assertThat(cache.get("sub-1")).isEmpty();
    assertThat(cache.size()).isZero();
  }

  @Test
  void putWhenFullThenTheLeastRecentlyUsedSubjectGoes() {
    DatasetCache cache = new DatasetCache(Duration.ofMinutes(1), 2, new MovingClock());
    cache.put("a", List.of("1"));
    cache.put("b", List.of("2"));
    cache.get("a");
    cache.put("c", List.of("3"));
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.get("a")).contains(List.of("1"));
    assertThat(cache.get("c")).contains(List.of("3"));
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void putWhenTtlIsZeroThenNothingIsKept() {
    DatasetCache cache = new DatasetCache(Duration.ZERO, 5, new MovingClock());
    cache.put("a", List.of("1"));
    assertThat(cache.get("a")).isEmpty();
  }

  @Test
  void newWhenBoundsAreBadThenRefused() {
    assertThatThrownBy(() -> new DatasetCache(Duration.ofSeconds(-1), 5, Clock.systemUTC()))
        .hasMessageContaining("ttl");
    assertThatThrownBy(() -> new DatasetCache(Duration.ofSeconds(1), 0, Clock.systemUTC()))
        .hasMessageContaining("maxEntries");
  }
}
