package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;

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
 * What every {@link OidcFlows} must do: the handle carries no data, gives its flow back once, then tells a replay apart
 * from an expired and an unknown handle; of concurrent takes one wins.
 */
public abstract class OidcFlowsContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final OidcFlow LOGIN = OidcFlow.login("eduteams", "pending-42", "nonce-1", "verifier-1",
      List.of("https://refeds.org/profile/mfa"));
  private static final OidcFlow LOGOUT = OidcFlow.logout("eduteams", "https://app.example.org/bye?state=x");

  protected MutableClock clock;
  protected OidcFlows flows;

  protected abstract OidcFlows newStore(Clock clock, Duration lifetime);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(Instant.parse("2031-05-01T10:00:00Z"));
    flows = newStore(clock, LIFETIME);
  }

  @Test
  void takeWhenStartedThenTheFlowOnceThenReplayed() {
    String handle = flows.start(LOGIN).await();

    assertThat(flows.take(handle).await()).isEqualTo(new OidcFlows.Lookup.Found(LOGIN));
    assertThat(flows.take(handle).await()).isInstanceOf(OidcFlows.Lookup.Replayed.class);
  }

  @Test
  void takeWhenLogoutFlowThenItsRedirectBack() {
    String handle = flows.start(LOGOUT).await();

    assertThat(flows.take(handle).await()).isEqualTo(new OidcFlows.Lookup.Found(LOGOUT));
  }

  @Test
  void startWhenCalledThenOpaqueRandomHandleWithoutTheFlowsData() {
    String a = flows.start(LOGIN).await();
    String b = flows.start(LOGIN).await();

    assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(b).doesNotContain("pending").doesNotContain("nonce");
  }

  @Test
  void takeWhenLifetimeOverThenExpired() {
    String handle = flows.start(LOGIN).await();
    clock.advance(LIFETIME);

    assertThat(flows.take(handle).await()).isInstanceOf(OidcFlows.Lookup.Expired.class);
  }

  @Test
  void takeWhenUnknownOrMalformedThenMissing() {
    assertThat(flows.take("A".repeat(43)).await()).isInstanceOf(OidcFlows.Lookup.Missing.class);
    assertThat(flows.take(null).await()).isInstanceOf(OidcFlows.Lookup.Missing.class);
    assertThat(flows.take("x\u0000y").await()).isInstanceOf(OidcFlows.Lookup.Missing.class);
    assertThat(flows.take("'; DROP TABLE oidc_flow_state; --").await()).isInstanceOf(OidcFlows.Lookup.Missing.class);
  }

  @Test
  void purgeExpiredWhenALifetimePastExpiryThenMissing() {
    String handle = flows.start(LOGIN).await();
    clock.advance(LIFETIME.multipliedBy(2).plusSeconds(1));
    flows.purgeExpired().await();

    assertThat(flows.take(handle).await()).isInstanceOf(OidcFlows.Lookup.Missing.class);
  }

  @Test
  void takeWhenManyAtOnceThenExactlyOneFindsTheFlow() {
    String handle = flows.start(LOGIN).await();

    List<Future<OidcFlows.Lookup>> takes = IntStream.range(0, 8).mapToObj(i -> flows.take(handle)).toList();
    Future.all(takes).await();

    assertThat(takes.stream().filter(f -> f.result() instanceof OidcFlows.Lookup.Found).count()).isEqualTo(1);
  }
}
