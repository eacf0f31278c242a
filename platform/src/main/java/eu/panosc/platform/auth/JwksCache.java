package eu.panosc.platform.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-blocking cache of the issuer's JWK Set: serves keys by {@code kid}, refetches at most once per
 * minimum refresh interval for unknown key ids (coalescing concurrent refetches), keeps serving a still-valid
 * cache when a refetch fails and denies when no valid key set is available.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5: JWK Set Format</a>
 */
public final class JwksCache {

  private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
  private static final long FETCH_TIMEOUT_MILLIS = Duration.ofSeconds(5).toMillis();
  private static final int MAX_JWKS_BYTES = 256 * 1024;
  static final String UNKNOWN_KEY = "unknown signing key";

  private final WebClient webClient;
  private final BearerAuthConfig config;
  private final Clock clock;

  // Guarded by this; callbacks may run on several event loops.
  private JWKSet keys;
  private Instant fetchedAt;
  private Instant lastAttempt;
  private Future<Void> inFlight;

  /** Creates a cache that fetches with its own {@link WebClient}. */
  public JwksCache(Vertx vertx, BearerAuthConfig config, Clock clock) {
    this(vertx, WebClient.create(Objects.requireNonNull(vertx, "vertx")), config, clock);
  }

  public JwksCache(Vertx vertx, WebClient webClient, BearerAuthConfig config, Clock clock) {
    Objects.requireNonNull(vertx, "vertx");
    this.webClient = Objects.requireNonNull(webClient, "webClient");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The public key with the given id; fails with {@link InvalidTokenException} if the key is unknown even
   * after a permitted refetch, or if no valid key set could be obtained.
   */
  public Future<JWK> key(String kid) {
    Objects.requireNonNull(kid, "kid");
    Future<Void> refresh;
    synchronized (this) {
      Instant now = clock.instant();
      boolean fresh = isFresh(now);
      if (fresh) {
        JWK key = keys.getKeyByKeyId(kid);
        if (key != null) {
          return Future.succeededFuture(key);
        }
      }
      if (inFlight == null && lastAttempt != null
          && now.isBefore(lastAttempt.plus(config.jwksMinRefreshInterval()))) {
        return Future.failedFuture(fresh ? new InvalidTokenException(UNKNOWN_KEY) : new SigningKeysUnavailableException());
      }
      refresh = inFlight != null ? inFlight : startFetch(now);
    }
    return refresh.transform(ignored -> lookupAfterRefresh(kid));
  }

  private synchronized Future<JWK> lookupAfterRefresh(String kid) {
    if (!isFresh(clock.instant())) {
      return Future.failedFuture(new SigningKeysUnavailableException());
    }
    JWK key = keys.getKeyByKeyId(kid);
    return key != null
        ? Future.succeededFuture(key)
        : Future.failedFuture(new InvalidTokenException(UNKNOWN_KEY));
  }

  private boolean isFresh(Instant now) {
    return keys != null && now.isBefore(fetchedAt.plus(config.jwksCacheTtl()));
  }

  /** Must hold the lock. The returned future completes after the cache state is updated. */
  private Future<Void> startFetch(Instant now) {
    lastAttempt = now;
    Promise<Void> done = Promise.promise();
    Future<Void> future = done.future();
    inFlight = future;
    fetch().onComplete(ar -> {
      synchronized (this) {
        if (ar.succeeded()) {
          keys = ar.result();
          fetchedAt = clock.instant();
          LOG.debug("Fetched JWKS from {} with {} keys", config.jwksUri(), keys.size());
        } else {
          LOG.warn("Fetching JWKS from {} failed: {}", config.jwksUri(), ar.cause().toString());
        }
        if (inFlight == future) {
          inFlight = null;
        }
      }
      done.complete();
    });
    return future;
  }

  private Future<JWKSet> fetch() {
    return webClient.getAbs(config.jwksUri().toString())
        .putHeader("Accept", "application/jwk-set+json, application/json")
        .timeout(FETCH_TIMEOUT_MILLIS)
        .send()
        .compose(JwksCache::parse);
  }

  private static Future<JWKSet> parse(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(new IllegalStateException("JWKS endpoint answered HTTP " + response.statusCode()));
    }
    Buffer body = response.body();
    if (body == null || body.length() > MAX_JWKS_BYTES) {
      return Future.failedFuture(new IllegalStateException("JWKS response empty or larger than " + MAX_JWKS_BYTES));
    }
    try {
      return Future.succeededFuture(JWKSet.parse(body.toString()).toPublicJWKSet());
    } catch (ParseException e) {
      return Future.failedFuture(new IllegalStateException("JWKS response is not a JWK Set: " + e.getMessage(), e));
    }
  }
}
