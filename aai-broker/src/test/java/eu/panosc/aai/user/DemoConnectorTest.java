package eu.panosc.aai.user;

import eu.panosc.platform.demo.DemoFederation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoConnectorTest {
  final DemoConnector demo = DemoConnector.create(DemoFederation.fixture(), true);

  @Test
  void createWhenNotDemoModeThenRefused() {
    assertThatThrownBy(() -> DemoConnector.create(DemoFederation.fixture(), false))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("--demo");
  }

  @Test
  void loginWhenPasswordRightThenCanonicalIdentity() {
    UpstreamIdentity alice = demo.login("alice", "alice-demo-pw").result().orElseThrow();
    assertThat(alice.userId()).isEqualTo("alice@demo.panosc.eu");
    assertThat(alice.displayName()).isEqualTo("Alice Martin");
    assertThat(alice.email()).isEqualTo("alice@example.org");
    assertThat(alice.acr()).isEqualTo("https://refeds.org/sfa");
    assertThat(alice.amr()).containsExactly("pwd");
    assertThat(alice.entitlements()).contains("urn:geant:demo.panosc.eu:group:panosc:esrf:MX-2415:role=pi#demo.panosc.eu");
    UpstreamIdentity carol = demo.login("carol", "carol-demo-pw").result().orElseThrow();
    assertThat(carol.entitlements()).anySatisfy(e -> assertThat(e).contains(":panosc:ill:staff:role=data-manager"));
  }

  @Test
  void loginWhenPasswordWrongOrUserUnknownThenEmpty() {
    assertThat(demo.login("alice", "bob-demo-pw").result()).isEmpty();
    assertThat(demo.login("alice", "").result()).isEmpty();
    assertThat(demo.login("alice", null).result()).isEmpty();
    assertThat(demo.login("mallory", "alice-demo-pw").result()).isEmpty();
    assertThat(demo.login(null, null).result()).isEmpty();
  }
}
