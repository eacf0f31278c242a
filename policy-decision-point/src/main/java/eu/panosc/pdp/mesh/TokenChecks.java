package eu.panosc.pdp.mesh;

import eu.panosc.platform.auth.AccessTokenPrincipal;
import eu.panosc.platform.auth.BearerAuthConfig;
import eu.panosc.platform.auth.JwksCache;
import eu.panosc.platform.auth.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Verifies access tokens of the platform's issuer (the aai-broker) for a resource server's audience, with the
 * platform's {@link TokenVerifier} (RFC 9068 checks, verified signatures remembered): one verifier per audience,
 * all sharing one JWKS cache.
 */
public final class TokenChecks implements BiFunction<String, String, Future<AccessTokenPrincipal>> {
  /** Audiences remembered at most; beyond it the map starts afresh (audiences come from the registry, not callers). */
  private static final int MAX_AUDIENCES = 1000;
  private final BearerAuthConfig base;
  private final JwksCache keys;
  private final Clock clock;
  private final Map<String, TokenVerifier> verifiers = new ConcurrentHashMap<>();

  public TokenChecks(Vertx vertx, BearerAuthConfig base, Clock clock) {
    this.base = base;
    this.keys = new JwksCache(vertx, base, clock);
    this.clock = clock;
  }

  @Override
  public Future<AccessTokenPrincipal> apply(String token, String audience) {
    if (verifiers.size() >= MAX_AUDIENCES) {
      verifiers.clear();
    }
    return verifiers.computeIfAbsent(audience, a -> new TokenVerifier(keys, new BearerAuthConfig(base.issuer(),
        Set.of(a), base.jwksUri(), base.clockSkew(), base.acceptedTypes(), base.jwksCacheTtl(),
        base.jwksMinRefreshInterval()), clock)).verify(token);
  }
}
