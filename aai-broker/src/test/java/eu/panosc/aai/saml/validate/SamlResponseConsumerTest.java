package eu.panosc.aai.saml.validate;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.aai.StoreFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Validation plus one-time use: a second use is refused, a failing cache refuses, invalid input fails alike. */
class SamlResponseConsumerTest {
  private static Vertx vertx;
  private final SamlResponseValidator validator = new SamlResponseValidator();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static Reason reasonOf(Future<?> f) throws Exception {
    Throwable t = StoreFailures.of(f);
    assertThat(t).isInstanceOf(SamlRejectedException.class);
    return ((SamlRejectedException) t).reason();
  }

  @Test
  void consumeWhenFirstUseThenLoginAndTheAssertionIsRememberedUntilExpiryPlusSkew() {
    AtomicReference<Instant> expires = new AtomicReference<>();
    InMemoryReplayCache memory = new InMemoryReplayCache(Clock.fixed(FixtureIdp.NOW, java.time.ZoneOffset.UTC));
    ReplayCache recording = new ReplayCache() {
      @Override
      public Future<Boolean> firstUse(String issuer, String assertionId, Instant until) {
        expires.set(until);
        return memory.firstUse(issuer, assertionId, until);
      }

      @Override
      public Future<Integer> purgeExpired() {
        return memory.purgeExpired();
      }
    };
    SamlResponseConsumer consumer = new SamlResponseConsumer(vertx, validator, recording);

    ValidatedLogin login = consumer.consume(FixtureIdp.posted(FixtureIdp.valid()), FixtureIdp.expectation()).await();

    assertThat(login.nameId()).isEqualTo(FixtureIdp.valid().nameId);
    assertThat(expires.get()).isEqualTo(FixtureIdp.NOW.plusSeconds(300).plus(FixtureIdp.SKEW));
    assertThat(memory.holds(FixtureIdp.IDP, login.assertionId())).isTrue();
  }

  @Test
  void consumeWhenReplayedThenReplayed() throws Exception {
    SamlResponseConsumer consumer = new SamlResponseConsumer(vertx, validator,
        new InMemoryReplayCache(Clock.fixed(FixtureIdp.NOW, java.time.ZoneOffset.UTC)));
    byte[] posted = FixtureIdp.posted(FixtureIdp.valid());
    consumer.consume(posted, FixtureIdp.expectation()).await();

    assertThat(reasonOf(consumer.consume(posted, FixtureIdp.expectation()))).isEqualTo(Reason.REPLAYED);
  }

  @Test
  void consumeWhenTheReplayCacheFailsThenRefusedAsUnavailable() throws Exception {
    ReplayCache broken = new ReplayCache() {
      @Override
      public Future<Boolean> firstUse(String issuer, String assertionId, Instant expires) {
        return Future.failedFuture(new IllegalStateException("database down"));
      }

      @Override
      public Future<Integer> purgeExpired() {
        return Future.failedFuture(new IllegalStateException("database down"));
      }
    };
    SamlResponseConsumer consumer = new SamlResponseConsumer(vertx, validator, broken);

    assertThat(reasonOf(consumer.consume(FixtureIdp.posted(FixtureIdp.valid()), FixtureIdp.expectation())))
        .isEqualTo(Reason.REPLAY_CACHE_UNAVAILABLE);
  }

  @Test
  void consumeWhenInvalidThenTheValidatorsReasonAndNothingRemembered() throws Exception {
    InMemoryReplayCache memory = new InMemoryReplayCache(Clock.fixed(FixtureIdp.NOW, java.time.ZoneOffset.UTC));
    SamlResponseConsumer consumer = new SamlResponseConsumer(vertx, validator, memory);
    var spec = FixtureIdp.valid().with(s -> s.audiences = java.util.List.of("https://other.example.org"));

    assertThat(reasonOf(consumer.consume(FixtureIdp.posted(spec), FixtureIdp.expectation())))
        .isEqualTo(Reason.AUDIENCE);
    assertThat(memory.holds(FixtureIdp.IDP, spec.assertionId)).isFalse();
  }
}
