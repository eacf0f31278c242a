package eu.panosc.aai.state;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.state.PgOneTimeStates.Status;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store of flows in flight under an opaque handle must do, whatever the flow (OIDC's {@code state}, SAML's
 * RelayState): a handle is opaque (no data in it), gives its flow back once, and afterwards tells a replay apart from
 * an expired and from an unknown handle; an expired handle is not used up; purging drops only what ended more than a
 * lifetime ago; of many concurrent takes exactly one wins. A store's own contract binds it by naming its flow, its
 * lookup type and what the lookup says.
 *
 * @param <F> the flow
 * @param <L> the store's lookup result
 */
public abstract class OneTimeFlowsContract<F, L> {
  protected static final Duration LIFETIME = Duration.ofMinutes(10);

  protected MutableClock clock;

  /** A new, empty store on {@code clock}. */
  protected abstract void openStore(Clock clock, Duration lifetime);

  /** A flow to start; its data must not show in a handle. */
  protected abstract F flow();

  /** Words of {@link #flow()}'s data that must not show in a handle. */
  protected abstract List<String> secrets();

  protected abstract Future<String> start(F flow);

  protected abstract Future<L> take(String handle);

  protected abstract Future<Void> purgeExpired();

  /** What {@code lookup} says. */
  protected abstract Status statusOf(L lookup);

  /** The flow of a {@link Status#FOUND} lookup. */
  protected abstract F flowOf(L lookup);

  @BeforeEach
  void newStoreAtStart() {
    clock = new MutableClock(Instant.parse("2031-05-01T10:00:00Z"));
    openStore(clock, LIFETIME);
  }

  private Status taken(String handle) {
    return statusOf(take(handle).await());
  }

  @Test
  void takeWhenStartedThenTheFlowOnceThenReplayed() {
    String handle = start(flow()).await();

    L first = take(handle).await();
    assertThat(statusOf(first)).isEqualTo(Status.FOUND);
    assertThat(flowOf(first)).isEqualTo(flow());
    assertThat(taken(handle)).isEqualTo(Status.REPLAYED);
  }

  @Test
  void startWhenCalledThenOpaqueRandomHandleWithoutTheFlowsData() {
    String a = start(flow()).await();
    String b = start(flow()).await();

    assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(b);
    for (String secret : secrets()) {
      assertThat(a).doesNotContain(secret);
    }
  }

  @Test
  void takeWhenLifetimeOverThenExpiredAndNotUsedUp() {
    String handle = start(flow()).await();
    clock.advance(LIFETIME);

    assertThat(taken(handle)).isEqualTo(Status.EXPIRED);
    clock.advance(Duration.ofSeconds(-1));
    assertThat(taken(handle)).as("an expired handle was not used up").isEqualTo(Status.FOUND);
  }

  @Test
  void takeWhenUnknownOrMalformedThenMissing() {
    start(flow()).await();

    assertThat(taken("A".repeat(43))).isEqualTo(Status.MISSING);
    assertThat(taken(null)).isEqualTo(Status.MISSING);
    assertThat(taken("")).isEqualTo(Status.MISSING);
    assertThat(taken("x\u0000y")).isEqualTo(Status.MISSING);
    assertThat(taken("'; DROP TABLE flow_state; --" + "A".repeat(15))).isEqualTo(Status.MISSING);
  }

  @Test
  void purgeExpiredWhenALifetimePastExpiryThenMissingBeforeThatStillExpiredOrReplayed() {
    String unused = start(flow()).await();
    String used = start(flow()).await();
    take(used).await();
    clock.advance(LIFETIME.plus(LIFETIME).minusSeconds(1));
    String fresh = start(flow()).await();
    purgeExpired().await();
    assertThat(taken(unused)).isEqualTo(Status.EXPIRED);
    assertThat(taken(used)).isEqualTo(Status.REPLAYED);

    clock.advance(Duration.ofSeconds(2));
    purgeExpired().await();
    assertThat(taken(unused)).isEqualTo(Status.MISSING);
    assertThat(taken(used)).isEqualTo(Status.MISSING);
    assertThat(taken(fresh)).isEqualTo(Status.FOUND);
  }

  @Test
  void takeWhenSixteenConcurrentTakesThenExactlyOneFindsTheFlow() {
    String handle = start(flow()).await();

    List<Future<L>> takes = IntStream.range(0, 16).mapToObj(i -> take(handle)).toList();
    Future.join(takes).await();

    assertThat(takes.stream().filter(f -> statusOf(f.result()) == Status.FOUND).count()).isEqualTo(1);
    assertThat(takes.stream().filter(f -> statusOf(f.result()) == Status.REPLAYED).count()).isEqualTo(15);
  }
}
