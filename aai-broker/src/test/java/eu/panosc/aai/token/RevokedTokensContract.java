package eu.panosc.aai.token;

import static org.assertj.core.api.Assertions.assertThat;

import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RevokedTokens} must do: a revocation counts at once where it was made, reaches every other
 * replica when it (re)loads, and is forgotten once the token would have expired anyway.
 */
public abstract class RevokedTokensContract {
  private static final Instant START = Instant.parse("2031-04-01T10:00:00Z");

  protected MutableClock clock;

  /** A fresh instance (one replica) on {@code clock}, sharing its backend with every other instance. */
  protected abstract RevokedTokens newRevokedTokens(Clock clock);

  protected abstract Vertx vertx();

  @BeforeEach
  void newClock() {
    clock = new MutableClock(START);
  }

  private static String jti() {
    return "jti-" + UUID.randomUUID();
  }

  private RevokedTokens started(Clock clock) {
    RevokedTokens replica = newRevokedTokens(clock);
    long timer = replica.start(vertx(), 60_000).await();
    vertx().cancelTimer(timer);
    return replica;
  }

  @Test
  void revokeWhenDoneThenRevokedAtOnceAndOthersAreNot() {
    RevokedTokens tokens = started(clock);
    String jti = jti();

    tokens.revoke(jti, "client-a", START.plusSeconds(300)).await();

    assertThat(tokens.isRevoked(jti)).isTrue();
    assertThat(tokens.isRevoked(jti())).isFalse();
    assertThat(tokens.isRevoked(null)).isFalse();
  }

  @Test
  void revokeWhenDoneTwiceThenStillRevokedWithoutError() {
    RevokedTokens tokens = started(clock);
    String jti = jti();

    tokens.revoke(jti, "client-a", START.plusSeconds(300)).await();
    tokens.revoke(jti, "client-a", START.plusSeconds(300)).await();

    assertThat(tokens.isRevoked(jti)).isTrue();
  }

  @Test
  void startWhenAnotherReplicaRevokedBeforeThenItIsRevokedHereToo() {
    String jti = jti();
    started(clock).revoke(jti, "client-a", START.plusSeconds(300)).await();

    assertThat(started(clock).isRevoked(jti)).isTrue();
  }

  @Test
  void startWhenTheRevokedTokenHasExpiredSinceThenItIsForgotten() {
    String jti = jti();
    started(clock).revoke(jti, "client-a", START.plusSeconds(300)).await();
    clock.advance(Duration.ofSeconds(301));

    assertThat(started(clock).isRevoked(jti)).isFalse();
    assertThat(started(new MutableClock(START)).isRevoked(jti)).as("the row was dropped").isFalse();
  }
}
