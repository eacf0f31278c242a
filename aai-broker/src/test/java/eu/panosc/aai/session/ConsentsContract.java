package eu.panosc.aai.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link Consents} store must do: consent is per user and client, and later consents add scopes. */
public abstract class ConsentsContract {
  protected abstract Consents store();

  /** Makes sure user {@code id} exists (consent belongs to a known user); returns it. */
  protected abstract String existingUser(String id);

  @Test
  void coversWhenConsentedThenOnlyThoseScopesForThatClient() {
    String user = existingUser("consent-user-" + UUID.randomUUID());
    store().remember(user, "client-a", List.of("openid", "profile")).await();

    assertThat(store().covers(user, "client-a", List.of("openid")).await()).isTrue();
    assertThat(store().covers(user, "client-a", List.of("openid", "email")).await()).isFalse();
    assertThat(store().covers(user, "client-b", List.of("openid")).await()).isFalse();
    assertThat(store().covers(user, "client-b", List.of()).await()).isTrue();
  }

  @Test
  void rememberWhenLaterConsentThenScopesAdd() {
    String user = existingUser("consent-user-" + UUID.randomUUID());
    store().remember(user, "client-a", List.of("openid")).await();
    store().remember(user, "client-a", Set.of("email")).await();

    assertThat(store().covers(user, "client-a", List.of("openid", "email")).await()).isTrue();
  }

  @Test
  void rememberWhenConsentsRaceThenEveryScopeIsKept() {
    List<String> scopes = List.of("openid", "email", "profile", "s1", "s2", "s3", "s4", "s5");
    for (int round = 0; round < 5; round++) {
      String user = existingUser("consent-user-" + UUID.randomUUID());
      Future.join(scopes.stream().map(s -> store().remember(user, "client-a", List.of(s))).toList()).await();

      assertThat(store().covers(user, "client-a", scopes).await()).as("round " + round).isTrue();
    }
  }
}
