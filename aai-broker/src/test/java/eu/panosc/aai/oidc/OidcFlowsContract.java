package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.state.OneTimeFlowsContract;
import eu.panosc.aai.state.PgOneTimeStates.Status;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OidcFlows} must do: the one-time flow contract ({@link OneTimeFlowsContract}) for a sign-in, and a
 * sign-out's flow comes back with its redirect.
 */
public abstract class OidcFlowsContract extends OneTimeFlowsContract<OidcFlow, OidcFlows.Lookup> {
  private static final OidcFlow LOGIN = OidcFlow.login("eduteams", "pending-42", "nonce-1", "verifier-1",
      List.of("https://refeds.org/profile/mfa"));
  private static final OidcFlow LOGOUT = OidcFlow.logout("eduteams", "https://app.example.org/bye?state=x");

  protected OidcFlows flows;

  protected abstract OidcFlows newStore(Clock clock, Duration lifetime);

  @Override
  protected void openStore(Clock clock, Duration lifetime) {
    flows = newStore(clock, lifetime);
    assertThat(flows.lifetime()).isEqualTo(lifetime);
  }

  @Override
  protected OidcFlow flow() {
    return LOGIN;
  }

  @Override
  protected List<String> secrets() {
    return List.of("pending", "nonce", "verifier", "eduteams");
  }

  @Override
  protected Future<String> start(OidcFlow flow) {
    return flows.start(flow);
  }

  @Override
  protected Future<OidcFlows.Lookup> take(String handle) {
    return flows.take(handle);
  }

  @Override
  protected Future<Void> purgeExpired() {
    return flows.purgeExpired();
  }

  @Override
  protected Status statusOf(OidcFlows.Lookup lookup) {
    return switch (lookup) {
      case OidcFlows.Lookup.Found f -> Status.FOUND;
      case OidcFlows.Lookup.Expired e -> Status.EXPIRED;
      case OidcFlows.Lookup.Replayed r -> Status.REPLAYED;
      case OidcFlows.Lookup.Missing m -> Status.MISSING;
    };
  }

  @Override
  protected OidcFlow flowOf(OidcFlows.Lookup lookup) {
    return ((OidcFlows.Lookup.Found) lookup).flow();
  }

  @Test
  void takeWhenLogoutFlowThenItsRedirectBack() {
    String handle = flows.start(LOGOUT).await();

    assertThat(flows.take(handle).await()).isEqualTo(new OidcFlows.Lookup.Found(LOGOUT));
  }
}
