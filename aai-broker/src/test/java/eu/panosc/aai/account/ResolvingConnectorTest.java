package eu.panosc.aai.account;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.user.DemoConnector;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.demo.DemoFederation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Password logins outside the authorization endpoint (the device flow) come out as the user an identity is linked to. */
class ResolvingConnectorTest {
  /** dave's identity linked to alice; everyone else their own user. */
  private static final Identities LINKED = Identities.fixed(Map.of("dave@demo.panosc.eu", "alice@demo.panosc.eu"));

  private final ResolvingConnector connector = new ResolvingConnector(
      DemoConnector.create(DemoFederation.fixture(), true), LINKED);

  @Test
  void loginWhenLinkedIdentityThenItsUserWithTheLoginsOwnAttributes() {
    UpstreamIdentity dave = connector.login("dave", "dave-demo-pw").await().orElseThrow();
    assertThat(dave.userId()).isEqualTo("alice@demo.panosc.eu");
    assertThat(dave.displayName()).as("the login's own name").doesNotContain("Alice");
    assertThat(dave.amr()).containsExactly("pwd");
  }

  @Test
  void loginWhenNotLinkedOrWrongPasswordThenUnchanged() {
    assertThat(connector.login("bob", "bob-demo-pw").await().orElseThrow().userId()).isEqualTo("bob@demo.panosc.eu");
    assertThat(connector.login("dave", "wrong").await()).isEmpty();
    assertThat(connector.id()).isEqualTo("demo");
  }

  @Test
  void fixedIdentitiesWhenAskedThenOnlyTheGivenOwnersAndNothingChanges() {
    assertThat(LINKED.owner("dave@demo.panosc.eu").await()).contains("alice@demo.panosc.eu");
    assertThat(LINKED.owner("bob@demo.panosc.eu").await()).isEmpty();
    assertThat(LINKED.owner(null).await()).isEmpty();
    assertThat(LINKED.link("bob@demo.panosc.eu", "alice@demo.panosc.eu", "demo", "Bob").await())
        .isEqualTo(Identities.LinkOutcome.TAKEN);
    assertThat(LINKED.unlink("alice@demo.panosc.eu", "dave@demo.panosc.eu").await())
        .isEqualTo(Identities.UnlinkOutcome.NOT_YOURS);
    assertThat(LINKED.owner("dave@demo.panosc.eu").await()).as("unchanged").contains("alice@demo.panosc.eu");
    assertThat(Identities.NONE.owner("dave@demo.panosc.eu").await()).isEmpty();
  }
}
