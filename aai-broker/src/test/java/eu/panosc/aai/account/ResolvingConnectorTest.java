package eu.panosc.aai.account;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.user.DemoConnector;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.demo.DemoFederation;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Password logins outside the authorization endpoint (the device flow) come out as the user an identity is linked to. */
class ResolvingConnectorTest {
  /** dave's identity linked to alice; everyone else their own user. */
  private static final Identities LINKED = new Identities() {
    private final Map<String, String> owners = Map.of("dave@demo.panosc.eu", "alice@demo.panosc.eu");

    @Override
    public Future<Optional<String>> owner(String subject) {
      return Future.succeededFuture(Optional.ofNullable(owners.get(subject)));
    }

    @Override
    public Future<Void> remember(String subject, String userId, String upstream, String displayName) {
      return Future.succeededFuture();
    }

    @Override
    public Future<LinkOutcome> link(String subject, String userId, String upstream, String displayName) {
      return Future.succeededFuture(LinkOutcome.TAKEN);
    }

    @Override
    public Future<UnlinkOutcome> unlink(String userId, String subject) {
      return Future.succeededFuture(UnlinkOutcome.NOT_YOURS);
    }

    @Override
    public Future<List<LinkedIdentity>> of(String userId) {
      return Future.succeededFuture(List.of());
    }
  };

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
}
