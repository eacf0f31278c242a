package eu.panosc.aai.user;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Users} store must do: the first login creates the user, later ones replace the attributes, and an
 * upstream identity that cannot be stored is refused with {@link InvalidInputException}, leaving the user as it was.
 */
public abstract class UsersContract {
  protected final MutableClock clock = new MutableClock(Instant.parse("2031-09-01T10:00:00Z"));

  protected abstract Users newStore(Clock clock);

  private static UpstreamIdentity identity(String id, String name, List<String> entitlements) {
    return new UpstreamIdentity(id, name, "a@example.org", entitlements, List.of("https://refeds.org/assurance"),
        "acr", List.of("pwd"));
  }

  @Test
  void recordLoginWhenFirstAndLaterLoginsThenTheLatestAttributesAreKept() {
    Users store = newStore(clock);
    String id = "user-" + UUID.randomUUID();
    store.recordLogin(identity(id, "Ann", List.of("urn:a"))).await();

    Users.User later = store.recordLogin(identity(id, "Ann B", List.of("urn:a", "urn:b"))).await();

    assertThat(store.find(id).await()).contains(later);
    assertThat(later.attributes().getString("name")).isEqualTo("Ann B");
    assertThat(later.attributes().getJsonArray("eduperson_entitlement")).containsExactly("urn:a", "urn:b");
  }

  @Test
  void findWhenUnknownOrNotAnIdThenEmpty() {
    Users store = newStore(clock);
    for (String garbage : List.of("nope-" + UUID.randomUUID(), "x".repeat(10_000))) {
      assertThat(store.find(garbage).await()).isEmpty();
    }
  }

  @Test
  void recordLoginWhenAnAttributeCannotBeStoredThenInvalidInputAndTheUserUnchanged() throws Exception {
    Users store = newStore(clock);
    String id = "user-" + UUID.randomUUID();
    Users.User before = store.recordLogin(identity(id, "Ann", List.of())).await();

    for (UpstreamIdentity bad : List.of(identity(id, "A\u0000nn", List.of()), identity(id, "Ann", List.of("\ud800")),
        identity(id, "Ann", List.of("x".repeat(100_000))), identity("bad\u0000id", "Ann", List.of()))) {
      assertThat(StoreFailures.of(store.recordLogin(bad))).isInstanceOf(InvalidInputException.class);
    }
    assertThat(store.find(id).await()).contains(before);
  }

  @Test
  void registerWhenFirstThenTermsAcceptedAndLaterLoginsKeepTheConfirmedNameAndEmail() {
    Users store = newStore(clock);
    String id = "user-" + UUID.randomUUID();
    assertThat(store.acceptedTerms(id).await()).isEmpty();

    Users.User registered = store.register(new UpstreamIdentity(id, "Ann Typed", "ann@typed.example", List.of(),
        List.of(), "acr", List.of()), false, "2031-01").await();

    assertThat(store.acceptedTerms(id).await()).contains("2031-01");
    assertThat(registered.attributes().getBoolean("email_verified")).isFalse();
    Users.User later = store.recordLogin(identity(id, "Ann From IdP", List.of("urn:new"))).await();
    assertThat(later.attributes().getString("name")).isEqualTo("Ann Typed");
    assertThat(later.attributes().getString("email")).isEqualTo("ann@typed.example");
    assertThat(later.attributes().getBoolean("email_verified")).isFalse();
    assertThat(later.attributes().getJsonArray("eduperson_entitlement")).containsExactly("urn:new");
    assertThat(store.find(id).await()).contains(later);
  }

  @Test
  void registerWhenUserExistedFromEarlierLoginsThenTermsRecordedAndAcceptedAgainReplacesTheVersion() {
    Users store = newStore(clock);
    String id = "user-" + UUID.randomUUID();
    store.recordLogin(identity(id, "Ann", List.of())).await();
    assertThat(store.acceptedTerms(id).await()).as("a user from before registration").isEmpty();

    store.register(identity(id, "Ann", List.of()), true, "1").await();
    store.register(identity(id, "Ann", List.of()), true, "2").await();

    assertThat(store.acceptedTerms(id).await()).contains("2");
    assertThat(store.find(id).await().orElseThrow().attributes().getBoolean("email_verified")).isTrue();
  }
}
