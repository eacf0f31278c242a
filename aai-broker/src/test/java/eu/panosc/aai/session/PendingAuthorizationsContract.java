package eu.panosc.aai.session;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PendingAuthorizations} must do: a saved request is found by its id until its lifetime ends or it
 * is deleted, can be bound to the session shown its consent screen, and a request that cannot be stored is refused
 * with {@link InvalidInputException} (never a database error).
 */
public abstract class PendingAuthorizationsContract {
  protected static final Duration LIFETIME = Duration.ofMinutes(15);
  private static final Instant START = Instant.parse("2031-05-01T10:00:00Z");

  protected MutableClock clock;
  protected PendingAuthorizations store;

  protected abstract PendingAuthorizations newStore(Clock clock, Duration lifetime);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    store = newStore(clock, LIFETIME);
  }

  private static JsonObject request() {
    return new JsonObject().put("client_id", "client-a").put("scope", "openid").put("state", "s1");
  }

  @Test
  void findWhenSavedThenTheRequestUntilDeleted() {
    String id = store.save(request()).await();

    assertThat(store.find(id).await()).contains(request());
    assertThat(store.delete(id).await()).isTrue();
    assertThat(store.find(id).await()).isEmpty();
    assertThat(store.delete(id).await()).as("deleting twice is harmless and says so").isFalse();
  }

  @Test
  void deleteWhenSixteenConcurrentClaimsThenExactlyOneWins() {
    String id = store.save(request()).await();

    java.util.List<Future<Boolean>> claims = java.util.stream.IntStream.range(0, 16)
        .mapToObj(i -> store.delete(id)).toList();
    Future.all(claims).await();

    assertThat(claims.stream().filter(Future::result).count()).isEqualTo(1);
  }

  @Test
  void saveWhenTwiceThenTwoIndependentIds() {
    String a = store.save(request()).await();
    String b = store.save(request().put("state", "s2")).await();

    assertThat(a).isNotEqualTo(b);
    store.delete(a).await();
    assertThat(store.find(b).await()).hasValueSatisfying(r -> assertThat(r.getString("state")).isEqualTo("s2"));
  }

  @Test
  void findWhenIdUnknownOrNotAnIdThenEmpty() {
    for (String garbage : List.of("", "nope", "a\u0000b", "x".repeat(100_000))) {
      assertThat(store.find(garbage).await()).isEmpty();
    }
    assertThat(store.find(null).await()).isEmpty();
  }

  @Test
  void findWhenLifetimePassedThenEmptyAndPurgeDropsIt() {
    String id = store.save(request()).await();
    clock.advance(LIFETIME.minusSeconds(1));
    assertThat(store.find(id).await()).isPresent();

    clock.advance(Duration.ofSeconds(1));
    assertThat(store.find(id).await()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    store.purgeExpired().await();
    clock.advance(LIFETIME.plusSeconds(1).negated());
    assertThat(store.find(id).await()).as("purged, not merely hidden").isEmpty();
  }

  @Test
  void bindSessionWhenBoundThenTheRequestNamesTheSession() {
    String id = store.save(request()).await();

    store.bindSession(id, "sid-1").await();

    assertThat(store.find(id).await()).hasValueSatisfying(r -> {
      assertThat(r.getString(PendingAuthorizations.SESSION_FIELD)).isEqualTo("sid-1");
      assertThat(r.getString("state")).isEqualTo("s1");
    });
  }

  @Test
  void saveWhenAValueCannotBeStoredThenInvalidInputAndNothingSaved() throws Exception {
    for (JsonObject bad : List.of(request().put("state", "a\u0000b"), request().put("a\u0000", "x"),
        request().put("nonce", "\ud800"), request().put("nested", new JsonObject().put("x", List.of("ok", "\u0000"))))) {
      assertThat(StoreFailures.of(store.save(bad))).as(bad.encode()).isInstanceOf(InvalidInputException.class);
    }
  }
}
