package eu.panosc.aai.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import eu.panosc.platform.input.InvalidInputException;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PushedRequests} store must do (RFC 9126): a {@code request_uri} gives back every pushed value, to
 * the client that pushed it, once (also when used concurrently), within its lifetime; parameters that cannot be
 * stored are refused with {@link InvalidInputException}.
 */
public abstract class PushedRequestsContract {
  protected static final Duration LIFETIME = Duration.ofSeconds(60);
  private static final Instant START = Instant.parse("2031-07-01T10:00:00Z");

  protected MutableClock clock;
  protected PushedRequests store;

  protected abstract PushedRequests newStore(Clock clock, Duration lifetime);

  @BeforeEach
  void newStore() {
    clock = new MutableClock(START);
    store = newStore(clock, LIFETIME);
  }

  private static MultiMap params() {
    return MultiMap.caseInsensitiveMultiMap().add("response_type", "code").add("scope", "openid")
        .add("resource", "https://a.example").add("resource", "https://b.example");
  }

  @Test
  void consumeWhenPushedThenEveryValueOnceAndAUriOfTheRightShape() {
    String uri = store.save("client-a", params()).await();

    Optional<MultiMap> first = store.consume(uri, "client-a").await();

    assertThat(uri).startsWith(PushedRequests.PREFIX);
    assertThat(first).hasValueSatisfying(p -> {
      assertThat(p.get("response_type")).isEqualTo("code");
      assertThat(p.getAll("resource")).containsExactly("https://a.example", "https://b.example");
    });
    assertThat(store.consume(uri, "client-a").await()).isEmpty();
    assertThat(store.lifetime()).isEqualTo(LIFETIME);
  }

  @Test
  void consumeWhenAnotherClientTriesThenEmptyAndStillUsableByItsOwn() {
    String uri = store.save("client-a", params()).await();

    assertThat(store.consume(uri, "client-b").await()).isEmpty();
    assertThat(store.consume(uri, "client-a").await()).isPresent();
  }

  @Test
  void consumeWhenManyAtOnceThenExactlyOneGetsTheRequest() {
    String uri = store.save("client-a", params()).await();
    List<Future<Optional<MultiMap>>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(store.consume(uri, "client-a"));
    }
    Future.join(all).await();

    assertThat(all).filteredOn(f -> f.result().isPresent()).hasSize(1);
  }

  @Test
  void consumeWhenLifetimePassedThenEmpty() {
    String uri = store.save("client-a", params()).await();
    clock.advance(LIFETIME);

    assertThat(store.consume(uri, "client-a").await()).isEmpty();
    store.purgeExpired().await();
  }

  @Test
  void consumeWhenUriUnknownOrNotAUriThenEmpty() {
    for (String garbage : List.of("", "nope", PushedRequests.PREFIX, PushedRequests.PREFIX + "a\u0000b",
        PushedRequests.PREFIX + "x".repeat(100_000))) {
      assertThat(store.consume(garbage, "client-a").await()).isEmpty();
    }
    assertThat(store.consume(null, "client-a").await()).isEmpty();
  }

  @Test
  void saveWhenAParameterCannotBeStoredThenInvalidInput() throws Exception {
    for (MultiMap bad : List.of(params().add("state", "a\u0000b"), params().add("x\u0000", "y"),
        params().add("nonce", "\udc00"))) {
      assertThat(StoreFailures.of(store.save("client-a", bad))).isInstanceOf(InvalidInputException.class);
    }
  }
}
