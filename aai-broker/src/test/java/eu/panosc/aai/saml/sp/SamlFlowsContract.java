package eu.panosc.aai.saml.sp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.aai.state.OneTimeFlowsContract;
import eu.panosc.aai.state.PgOneTimeStates.Status;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SamlFlows} must do: the one-time flow contract ({@link OneTimeFlowsContract}) for a login whose
 * RelayState is the handle; a flow without a recorded upstream comes back without one; a flow breaking the input
 * rule is refused before it is stored.
 */
public abstract class SamlFlowsContract extends OneTimeFlowsContract<SamlFlow, SamlFlows.Lookup> {
  private static final SamlFlow FLOW = new SamlFlow("_0123abcd", "https://umbrellaid.example/idp", "pending-42",
      List.of("https://refeds.org/profile/mfa"), "umbrellaid");

  protected SamlFlows flows;

  protected abstract SamlFlows newStore(Clock clock, Duration lifetime);

  @Override
  protected void openStore(Clock clock, Duration lifetime) {
    flows = newStore(clock, lifetime);
    assertThat(flows.lifetime()).isEqualTo(lifetime);
  }

  @Override
  protected SamlFlow flow() {
    return FLOW;
  }

  @Override
  protected List<String> secrets() {
    return List.of("pending", "umbrellaid", "0123abcd");
  }

  @Override
  protected Future<String> start(SamlFlow flow) {
    return flows.start(flow);
  }

  @Override
  protected Future<SamlFlows.Lookup> take(String handle) {
    return flows.take(handle);
  }

  @Override
  protected Future<Void> purgeExpired() {
    return flows.purgeExpired();
  }

  @Override
  protected Status statusOf(SamlFlows.Lookup lookup) {
    return switch (lookup) {
      case SamlFlows.Lookup.Found f -> Status.FOUND;
      case SamlFlows.Lookup.Expired e -> Status.EXPIRED;
      case SamlFlows.Lookup.Replayed r -> Status.REPLAYED;
      case SamlFlows.Lookup.Missing m -> Status.MISSING;
    };
  }

  @Override
  protected SamlFlow flowOf(SamlFlows.Lookup lookup) {
    return ((SamlFlows.Lookup.Found) lookup).flow();
  }

  @Test
  void takeWhenFlowWithoutUpstreamThenItComesBackWithout() {
    SamlFlow legacy = new SamlFlow("_0123abcd", "https://umbrellaid.example/idp", "pending-42", List.of());
    String handle = flows.start(legacy).await();

    assertThat(flows.take(handle).await()).isEqualTo(new SamlFlows.Lookup.Found(legacy));
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
