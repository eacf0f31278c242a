package eu.panosc.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When {@link TokenVerifier} checks a remembered token's signature again: never for a token seen again within its
 * remembered time, once for all concurrent requests when it falls due, and spread over time for tokens first seen
 * together (a 60 s herd of re-checks held every Envoy Check up for 200-400 ms in the mesh benchmark).
 */
@ExtendWith(VertxExtension.class)
class TokenVerifierTest {

  private MutableClock clock;
  private TokenFixtures tokens;
  private JwksServer jwks;
  private TokenVerifier verifier;

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
    tokens = new TokenFixtures(clock);
    jwks = JwksServer.start(vertx, List.of(tokens.ec.toPublicJWK()));
    BearerAuthConfig config = new BearerAuthConfig(TokenFixtures.ISSUER, Set.of(TokenFixtures.AUDIENCE), jwks.uri());
    verifier = new TokenVerifier(new JwksCache(vertx, config, clock), config, clock, CAPACITY);
  }

  @Test
  void tokenSeenAgainWithinItsRememberedTimeCostsNoSignatureCheck() {
    String token = tokens.es256().sign();
    for (int i = 0; i < 50; i++) {
      assertThat(verifier.verify(token).await().subject()).isEqualTo("alice@facility.eu");
    }
    clock.advance(REMEMBERED_AT_LEAST.minusSeconds(1));
    verifier.verify(token).await();

    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void rememberedTokenGivesTheVerifiedPrincipalWithoutReadingItsClaimsAgain() {
    String token = tokens.es256().sign();
    AccessTokenPrincipal first = verifier.verify(token).await();
    clock.advance(Duration.ofSeconds(10));

    AccessTokenPrincipal again = verifier.verify(token).await();

    assertThat(again).as("the same immutable principal, not a copy per request").isSameAs(first);
    assertThat(again.subject()).isEqualTo("alice@facility.eu");
    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void rememberedTokenIsCheckedAgainOnceItFallsDue() {
    String token = tokens.es256().sign();
    verifier.verify(token).await();
    clock.advance(TokenVerifier.REMEMBER_FOR);

    verifier.verify(token).await();
    verifier.verify(token).await();

    assertThat(verifier.signatureChecks()).isEqualTo(2);
  }

  @Test
  void concurrentRequestsForATokenFallingDueCheckItsSignatureOnce() throws Exception {
    String token = tokens.es256().sign();
    verifier.verify(token).await();
    clock.advance(TokenVerifier.REMEMBER_FOR);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          start.await();
          String subject = null;
          for (int i = 0; i < 200; i++) {
            subject = verifier.verify(token).await().subject();
          }
          return subject;
        }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("alice@facility.eu");
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(verifier.signatureChecks()).isEqualTo(2);
  }

  @Test
  void tokensFirstSeenTogetherFallDueSpreadOverAQuarterOfTheRememberedTime() {
    int count = 200;
    List<String> many = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      many.add(tokens.es256().sign());
    }
    many.forEach(token -> verifier.verify(token).await());
    assertThat(verifier.signatureChecks()).isEqualTo(count);

    clock.advance(REMEMBERED_AT_LEAST.minusSeconds(1));
    long before = verifier.signatureChecks();
    many.forEach(token -> verifier.verify(token).await());
    assertThat(verifier.signatureChecks()).as("none due before 45 s").isEqualTo(before);

    long largestSecond = 0;
    for (int second = 0; second <= TokenVerifier.SPREAD_MILLIS / 1000; second++) {
      clock.advance(Duration.ofSeconds(1));
      long previous = verifier.signatureChecks();
      many.forEach(token -> verifier.verify(token).await());
      largestSecond = Math.max(largestSecond, verifier.signatureChecks() - previous);
    }
    assertThat(verifier.signatureChecks()).as("every token checked again by 60 s").isEqualTo(2L * count);
    assertThat(largestSecond).as("re-checks in the busiest second").isLessThanOrEqualTo(count / 5);
  }

  @Test
  void tokenFailingItsRecheckIsNotRememberedAndKeepsFailing() {
    String token = tokens.es256().sign();
    verifier.verify(token).await();
    clock.advance(TokenVerifier.REMEMBER_FOR.plus(Duration.ofMinutes(5)));

    assertThatThrownBy(() -> verifier.verify(token).await())
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("expired");
    assertThatThrownBy(() -> verifier.verify(token).await())
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("expired");
  }

  @Test
  void fullMemoryForgetsATenthNotEverything() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < CAPACITY; i++) {
      many.add(tokens.es256().sign());
    }
    many.forEach(token -> verifier.verify(token).await());
    verifier.verify(tokens.es256().sign()).await();
    long before = verifier.signatureChecks();

    many.forEach(token -> verifier.verify(token).await());

    long rechecked = verifier.signatureChecks() - before;
    assertThat(rechecked).isPositive().isLessThanOrEqualTo(CAPACITY / 5);
  }

  @Test
  void fullMemoryForgetsTokensAlreadyDueFirst() {
    List<String> old = new ArrayList<>();
    for (int i = 0; i < CAPACITY / 2; i++) {
      old.add(tokens.es256().sign());
    }
    old.forEach(token -> verifier.verify(token).await());
    clock.advance(TokenVerifier.REMEMBER_FOR);
    List<String> recent = new ArrayList<>();
    for (int i = 0; i < CAPACITY / 2 + 1; i++) {
      recent.add(tokens.es256().sign());
    }
    recent.forEach(token -> verifier.verify(token).await());
    long before = verifier.signatureChecks();

    recent.forEach(token -> verifier.verify(token).await());

    assertThat(verifier.signatureChecks() - before).as("recent tokens stay remembered").isZero();
  }

  private static final int CAPACITY = 400;
  private static final Duration REMEMBERED_AT_LEAST =
      TokenVerifier.REMEMBER_FOR.minusMillis(TokenVerifier.SPREAD_MILLIS);
}
