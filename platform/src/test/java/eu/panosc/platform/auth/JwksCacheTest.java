package eu.panosc.platform.auth;

import eu.panosc.platform.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class JwksCacheTest {

  private final ECKey key = TokenFixtures.ecKey(Curve.P_256, "k1");
  private MutableClock clock;
  private JwksServer jwks;
  private JwksCache cache;

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
    jwks = JwksServer.start(vertx, List.of(key.toPublicJWK()));
    BearerAuthConfig config = new BearerAuthConfig("https://issuer", Set.of("aud"), jwks.uri());
    cache = new JwksCache(vertx, config, clock);
  }

  @Test
  void concurrentLookupsShareOneFetch() {
    List<Future<JWK>> lookups = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lookups.add(cache.key("k1"));
    }
    Future.all(lookups).await();

    assertThat(lookups).allSatisfy(f -> assertThat(f.result().getKeyID()).isEqualTo("k1"));
    assertThat(jwks.hits()).isEqualTo(1);
  }

  @Test
  void returnsOnlyPublicKeyMaterial() {
    jwks.publish(List.of(key));  // a misconfigured JWKS that leaks the private key

    assertThat(cache.key("k1").await().isPrivate()).isFalse();
  }

  @Test
  void failedRefetchKeepsServingValidCacheUntilTtlEnds() {
    assertThat(cache.key("k1").await()).isNotNull();
    jwks.respondWith(500);
    clock.advance(Duration.ofSeconds(11));

    assertFailure(cache.key("other"), JwksCache.UNKNOWN_KEY);
    assertThat(cause(cache.key("other"))).as("a bad token, not an outage")
        .isNotInstanceOf(SigningKeysUnavailableException.class);
    assertThat(jwks.hits()).isEqualTo(2);
    assertThat(cache.key("k1").await().getKeyID()).isEqualTo("k1");

    clock.advance(Duration.ofMinutes(10));
    assertKeysUnavailable(cache.key("k1"));
    assertThat(jwks.hits()).isEqualTo(3);
  }

  @Test
  void failedFirstFetchIsRetriedOnlyAfterMinRefreshInterval() {
    jwks.respondWith(503);
    assertKeysUnavailable(cache.key("k1"));
    assertKeysUnavailable(cache.key("k1"));
    assertThat(jwks.hits()).isEqualTo(1);

    jwks.respondWith(200);
    clock.advance(Duration.ofSeconds(10));

    assertThat(cache.key("k1").await().getKeyID()).isEqualTo("k1");
    assertThat(jwks.hits()).isEqualTo(2);
  }

  @Test
  void expiredCacheIsRefetched() {
    cache.key("k1").await();
    clock.advance(Duration.ofMinutes(10));

    assertThat(cache.key("k1").await().getKeyID()).isEqualTo("k1");
    assertThat(jwks.hits()).isEqualTo(2);
  }

  private static void assertFailure(Future<JWK> lookup, String reason) {
    assertThat(cause(lookup)).isInstanceOfSatisfying(InvalidTokenException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }

  /** The outage is told by its type (a forward-auth denies and lets the client retry), with its client-safe reason. */
  private static void assertKeysUnavailable(Future<JWK> lookup) {
    assertThat(cause(lookup)).isInstanceOfSatisfying(SigningKeysUnavailableException.class,
        e -> assertThat(e.reason()).isEqualTo(SigningKeysUnavailableException.REASON));
  }

  private static Throwable cause(Future<JWK> lookup) {
    return lookup.transform(ar -> Future.succeededFuture(ar.cause())).await();
  }
}
