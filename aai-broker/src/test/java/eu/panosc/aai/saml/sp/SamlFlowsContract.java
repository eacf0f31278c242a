package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.input.InvalidInputException;
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
 * What every {@link SamlFlows} must do: a handle is opaque (no data in it), gives its flow back once, and afterwards
 * tells a replay apart from an expired and from an unknown handle; one of many concurrent takes wins.
 */
public abstract class SamlFlowsContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final Instant START = Instant.parse("2031-05-01T10:00:00Z");
  private static final SamlFlow FLOW = new SamlFlow("_0123abcd", "https://umbrellaid.example/idp", "pending-42",
      List.of("https://refeds.org/profile/mfa"), "umbrellaid");

  protected MutableClock clock;
  protected SamlFlows flows;

  protected abstract SamlFlows newStore(Clock clock, Duration lifetime);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    flows = newStore(clock, LIFETIME);
  }

  @Test
  void takeWhenStartedThenTheFlowOnceThenReplayed() {
    String handle = flows.start(FLOW).await();

    assertThat(flows.take(handle).await()).isEqualTo(new SamlFlows.Lookup.Found(FLOW));
    assertThat(flows.take(handle).await()).isInstanceOf(SamlFlows.Lookup.Replayed.class);
  }

  @Test
  void startWhenCalledThenOpaqueRandomHandleWithoutTheFlowsData() {
    String a = flows.start(FLOW).await();
    String b = flows.start(FLOW).await();

    assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(b);
    assertThat(a).doesNotContain("pending").doesNotContain("umbrellaid").doesNotContain("0123abcd");
  }

  @Test
  void takeWhenLifetimeOverThenExpiredAndNotUsableLater() {
    String handle = flows.start(FLOW).await();
    clock.advance(LIFETIME);

    assertThat(flows.take(handle).await()).isInstanceOf(SamlFlows.Lookup.Expired.class);
    clock.advance(Duration.ofSeconds(-1));
    assertThat(flows.take(handle).await()).as("an expired handle was not used up")
        .isEqualTo(new SamlFlows.Lookup.Found(FLOW));
  }

  @Test
  void takeWhenUnknownOrMalformedThenMissing() {
    flows.start(FLOW).await();

    assertThat(flows.take("A".repeat(43)).await()).isInstanceOf(SamlFlows.Lookup.Missing.class);
    assertThat(flows.take(null).await()).isInstanceOf(SamlFlows.Lookup.Missing.class);
    assertThat(flows.take("").await()).isInstanceOf(SamlFlows.Lookup.Missing.class);
    assertThat(flows.take("x\u0000y").await()).isInstanceOf(SamlFlows.Lookup.Missing.class);
    assertThat(flows.take("'; DROP TABLE saml_flow_state; --" + "A".repeat(9)).await())
        .isInstanceOf(SamlFlows.Lookup.Missing.class);
  }

  @Test
  void purgeExpiredWhenALifetimePastExpiryThenMissingBeforeThatStillExpiredOrReplayed() {
    String unused = flows.start(FLOW).await();
    String used = flows.start(FLOW).await();
    flows.take(used).await();
    String fresh;
    clock.advance(LIFETIME.plus(LIFETIME).minusSeconds(1));
    fresh = flows.start(FLOW).await();
    flows.purgeExpired().await();
    assertThat(flows.take(unused).await()).isInstanceOf(SamlFlows.Lookup.Expired.class);
    assertThat(flows.take(used).await()).isInstanceOf(SamlFlows.Lookup.Replayed.class);

    clock.advance(Duration.ofSeconds(2));
    flows.purgeExpired().await();
    assertThat(flows.take(unused).await()).isInstanceOf(SamlFlows.Lookup.Missing.class);
    assertThat(flows.take(used).await()).isInstanceOf(SamlFlows.Lookup.Missing.class);
    assertThat(flows.take(fresh).await()).isEqualTo(new SamlFlows.Lookup.Found(FLOW));
  }

  @Test
  void takeWhenSixteenConcurrentTakesThenExactlyOneFindsTheFlow() {
    String handle = flows.start(FLOW).await();

    List<Future<SamlFlows.Lookup>> takes = IntStream.range(0, 16).mapToObj(i -> flows.take(handle)).toList();
    Future.join(takes).await();

    assertThat(takes.stream().filter(f -> f.result() instanceof SamlFlows.Lookup.Found).count()).isEqualTo(1);
    assertThat(takes.stream().filter(f -> f.result() instanceof SamlFlows.Lookup.Replayed).count()).isEqualTo(15);
  }

  @Test
  void flowWhenFieldBreaksTheInputRuleThenInvalidInput() {
    assertThatThrownBy(() -> new SamlFlow("_id\u0000", "https://idp", "p", List.of()))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SamlFlow("_id", "", "p", List.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new SamlFlow("_id", "https://idp", "p", List.of("a\nb")))
        .isInstanceOf(InvalidInputException.class);
  }
}
