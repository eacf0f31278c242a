package eu.panosc.aai.saml.validate;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReplayCache} must do: the first use of an (issuer, assertion id) counts, a second one while it is
 * live does not, concurrent uses (also on several replicas) let exactly one through, and expired records are forgotten.
 * Keys are fresh per test, so a shared database does no harm.
 */
public abstract class ReplayCacheContract {
  protected static final Instant START = Instant.parse("2031-06-01T10:00:00Z");
  protected static final String IDP = "https://idp.example.org/idp/shibboleth";

  protected MutableClock clock;
  protected ReplayCache cache;

  /** A cache on {@code clock}; instances made for one test share their backend (as replicas do). */
  protected abstract ReplayCache newCache(Clock clock);

  @BeforeEach
  void newClockAndCache() {
    clock = new MutableClock(START);
    cache = newCache(clock);
  }

  protected static String assertionId() {
    return "_a-" + UUID.randomUUID();
  }

  @Test
  void firstUseWhenNewThenTrueAndWhenRepeatedThenFalse() {
    String id = assertionId();

    assertThat(cache.firstUse(IDP, id, START.plusSeconds(300)).await()).isTrue();
    assertThat(cache.firstUse(IDP, id, START.plusSeconds(300)).await()).isFalse();
    clock.advance(Duration.ofSeconds(299));
    assertThat(cache.firstUse(IDP, id, START.plusSeconds(300)).await()).as("still live").isFalse();
  }

  @Test
  void firstUseWhenTheSameIdComesFromAnotherIssuerThenTrue() {
    String id = assertionId();
    cache.firstUse(IDP, id, START.plusSeconds(300)).await();

    assertThat(cache.firstUse("https://other-idp.example.org", id, START.plusSeconds(300)).await()).isTrue();
  }

  @Test
  void firstUseWhenSeenOnAnotherReplicaThenFalse() {
    String id = assertionId();
    cache.firstUse(IDP, id, START.plusSeconds(300)).await();

    assertThat(newCache(clock).firstUse(IDP, id, START.plusSeconds(300)).await()).isFalse();
  }

  @Test
  void firstUseWhenTheEarlierRecordHasExpiredThenTrueAgain() {
    String id = assertionId();
    cache.firstUse(IDP, id, START.plusSeconds(300)).await();
    clock.advance(Duration.ofSeconds(300));

    assertThat(cache.firstUse(IDP, id, START.plusSeconds(900)).await()).isTrue();
    assertThat(cache.firstUse(IDP, id, START.plusSeconds(900)).await()).isFalse();
  }

  @Test
  void firstUseWhenManyAtOnceOnTwoReplicasThenExactlyOneTrue() {
    String id = assertionId();
    ReplayCache other = newCache(clock);
    List<Future<Boolean>> uses = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      uses.add((i % 2 == 0 ? cache : other).firstUse(IDP, id, START.plusSeconds(300)));
    }

    long firsts = uses.stream().map(f -> f.await()).filter(Boolean::booleanValue).count();

    assertThat(firsts).isEqualTo(1);
  }

  @Test
  void purgeExpiredWhenSomeExpiredThenDroppedAndLiveOnesKept() {
    String expiring = assertionId();
    String live = assertionId();
    cache.firstUse(IDP, expiring, START.plusSeconds(60)).await();
    cache.firstUse(IDP, live, START.plusSeconds(600)).await();
    clock.advance(Duration.ofSeconds(61));

    assertThat(cache.purgeExpired().await()).isGreaterThanOrEqualTo(1);

    assertThat(remembered(expiring)).isFalse();
    assertThat(cache.firstUse(IDP, live, START.plusSeconds(600)).await()).isFalse();
  }

  @Test
  void schedulePurgeWhenRecordsExpireThenTheyAreDroppedWithoutBeingAsked() {
    String expiring = assertionId();
    cache.firstUse(IDP, expiring, START.plusSeconds(60)).await();
    clock.advance(Duration.ofSeconds(61));

    long timer = cache.schedulePurge(vertx(), 50);
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !remembered(expiring));
    } finally {
      vertx().cancelTimer(timer);
    }
  }

  /** A Vert.x instance for timers. */
  protected abstract io.vertx.core.Vertx vertx();

  /** Whether the backend still holds a record for {@code assertionId} of {@link #IDP} (expired or not). */
  protected abstract boolean remembered(String assertionId);
}
