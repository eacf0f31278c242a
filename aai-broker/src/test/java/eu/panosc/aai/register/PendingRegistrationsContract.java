package eu.panosc.aai.register;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.aai.user.UpstreamIdentity;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PendingRegistrations} store must do: an opaque handle finds its registration (identity and upstream
 * context intact) until it is taken once or expires; one of many concurrent takes wins; what cannot be stored is
 * refused with {@link InvalidInputException}.
 */
public abstract class PendingRegistrationsContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(15);
  private static final Instant START = Instant.parse("2031-08-01T10:00:00Z");
  private static final UpstreamIdentity DAVE = new UpstreamIdentity("dave@demo.panosc.eu", "Dave Jensen",
      "dave@example.org", List.of("urn:geant:x#y"), List.of("https://refeds.org/assurance"), "https://refeds.org/sfa",
      List.of());
  private static final PendingRegistration REG = new PendingRegistration("pending-1", DAVE,
      new JsonObject().put("nameId", "abc").put("sessionIndex", "_s"));

  protected MutableClock clock;
  protected PendingRegistrations store;

  protected abstract PendingRegistrations newStore(Clock clock, Duration lifetime);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    store = newStore(clock, LIFETIME);
  }

  @Test
  void findWhenSavedThenTheRegistrationAsOftenAsNeededAndTakeItOnce() {
    String handle = store.save(REG).await();

    assertThat(handle).matches("[A-Za-z0-9_-]{43}").doesNotContain("dave");
    assertThat(store.find(handle).await()).contains(REG);
    assertThat(store.find(handle).await()).contains(REG);
    assertThat(store.take(handle).await()).contains(REG);
    assertThat(store.take(handle).await()).isEmpty();
    assertThat(store.find(handle).await()).isEmpty();
  }

  @Test
  void saveWhenNoUpstreamContextThenNull() {
    PendingRegistration plain = new PendingRegistration("pending-2", DAVE, null);
    assertThat(store.take(store.save(plain).await()).await()).contains(plain);
  }

  @Test
  void findWhenOidcUpstreamWithIdTokenThenItComesBackIntact() {
    PendingRegistration oidc = new PendingRegistration("pending-3", DAVE, new JsonObject().put("protocol", "oidc")
        .put("upstream", "eduteams").put("iss", "https://proxy.eduteams.org").put("sub", "dave")
        .put("id_token", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkYXZlIn0.c2ln"));
    String handle = store.save(oidc).await();

    assertThat(store.find(handle).await()).contains(oidc);
    assertThat(store.take(handle).await()).contains(oidc);
  }

  @Test
  void findWhenExpiredUnknownOrMalformedThenEmpty() {
    String handle = store.save(REG).await();
    clock.advance(LIFETIME);

    assertThat(store.find(handle).await()).isEmpty();
    assertThat(store.take(handle).await()).isEmpty();
    for (String bad : List.of("A".repeat(43), "", "x'; DROP TABLE pending_registration; --")) {
      assertThat(store.find(bad).await()).isEmpty();
      assertThat(store.take(bad).await()).isEmpty();
    }
    assertThat(store.find(null).await()).isEmpty();
    store.purgeExpired().await();
    clock.advance(LIFETIME.negated());
    assertThat(store.find(handle).await()).as("purged").isEmpty();
  }

  @Test
  void takeWhenManyConcurrentTakesThenExactlyOneGetsIt() {
    String handle = store.save(REG).await();
    List<Future<Optional<PendingRegistration>>> takes = IntStream.range(0, 8).mapToObj(i -> store.take(handle))
        .toList();
    assertThat(Future.all(takes).await().<Optional<PendingRegistration>>list())
        .filteredOn(Optional::isPresent).hasSize(1);
  }

  @Test
  void saveWhenAValueCannotBeStoredThenInvalidInput() throws Exception {
    UpstreamIdentity bad = new UpstreamIdentity("dave@demo.panosc.eu", "D\u0000ave", null, List.of(), List.of(),
        "acr", List.of());
    assertThat(StoreFailures.of(store.save(new PendingRegistration("p", bad, null))))
        .isInstanceOf(InvalidInputException.class);
    assertThat(StoreFailures.of(store.save(new PendingRegistration("p\u0001", DAVE, null))))
        .isInstanceOf(InvalidInputException.class);
  }
}
