package eu.panosc.aai.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import eu.panosc.platform.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery and JWKS caching with the rate-limited refetch for unknown key ids. The OP is a small in-test HTTP server
 * (a stand-in: these tests count its JWKS fetches and rotate its keys, which a real OP does not let a test do); the
 * real OP path runs against Keycloak in {@code OidcKeycloakLoginIT}.
 */
class OidcProviderTest {
  private Vertx vertx;
  private HttpServer server;
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicInteger discoveryFetches = new AtomicInteger();
  private final AtomicReference<List<JWK>> keys = new AtomicReference<>(List.of(TestOp.RSA.toPublicJWK()));
  private final MutableClock clock = new MutableClock(Instant.parse("2031-05-01T10:00:00Z"));
  private OidcProvider provider;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      String issuer = "http://127.0.0.1:" + req.localAddress().port();
      switch (req.path()) {
        case "/.well-known/openid-configuration" -> {
          discoveryFetches.incrementAndGet();
          req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("issuer", issuer)
              .put("authorization_endpoint", issuer + "/auth").put("token_endpoint", issuer + "/token")
              .put("jwks_uri", issuer + "/jwks").encode());
        }
        case "/jwks" -> {
          jwksFetches.incrementAndGet();
          req.response().putHeader("Content-Type", "application/json").end(new JsonObject(new JWKSet(keys.get())
              .toJSONObject()).encode());
        }
        default -> req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").await();
    OidcUpstreamSettings settings = TestOp.settings(Map.of("issuer", "http://127.0.0.1:" + server.actualPort(),
        "jwksRefetch", "1m", "discoveryRefresh", "1h"));
    provider = new OidcProvider(settings, WebClient.create(vertx), clock);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void keyWhenKnownThenFoundWithOneFetchOfEach() {
    assertThat(provider.key("rsa-1").await()).isPresent();
    assertThat(provider.key("rsa-1").await()).isPresent();

    assertThat(jwksFetches).hasValue(1);
    assertThat(discoveryFetches).hasValue(1);
  }

  @Test
  void keyWhenUnknownKidThenRefetchedOnceAndThenNotBeforeTheInterval() {
    provider.key("rsa-1").await();

    assertThat(provider.key("made-up-1").await()).isEmpty();
    assertThat(jwksFetches).hasValue(2);
    assertThat(provider.key("made-up-2").await()).isEmpty();
    assertThat(provider.key("made-up-3").await()).isEmpty();
    assertThat(jwksFetches).as("unknown kids within the interval cause no fetch").hasValue(2);

    clock.advance(Duration.ofMinutes(1));
    provider.key("made-up-4").await();
    assertThat(jwksFetches).hasValue(3);
  }

  @Test
  void keyWhenOpRotatedToANewKidThenFoundAfterRefetch() {
    provider.key("rsa-1").await();
    keys.set(List.of(TestOp.EC.toPublicJWK()));

    assertThat(provider.key("ec-1").await()).hasValueSatisfying(k -> assertThat(k.getKeyID()).isEqualTo("ec-1"));
  }

  @Test
  void metadataWhenRefreshIntervalPassedThenFetchedAgain() {
    provider.metadata().await();
    provider.metadata().await();
    assertThat(discoveryFetches).hasValue(1);

    clock.advance(Duration.ofHours(1));
    provider.metadata().await();
    assertThat(discoveryFetches).hasValue(2);
  }

  @Test
  void verifyWhenTokenSignedByAKeyOfTheJwksThenClaims() {
    String token = TestOp.rs256(TestOp.idToken(clock.instant(), "n").issuer(provider.settings().issuerId()).build(),
        TestOp.RSA);

    assertThat(UpstreamJwts.verify(token, provider).await().getSubject()).isEqualTo("user-123");
  }

  @Test
  void verifyWhenKidUnknownThenUnknownKeyRefused() {
    String token = TestOp.es256(TestOp.idToken(clock.instant(), "n").build(), TestOp.EC);

    assertThat(UpstreamJwts.verify(token, provider).otherwise(e -> {
      assertThat(e).isInstanceOfSatisfying(TokenRejectedException.class, t -> assertThat(t.reason())
          .isEqualTo(TokenRejectedException.Reason.UNKNOWN_KEY));
      return null;
    }).await()).isNull();
  }
}
