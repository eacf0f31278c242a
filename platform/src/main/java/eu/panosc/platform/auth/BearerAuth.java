package eu.panosc.platform.auth;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Entry point for protecting routes with bearer tokens: builds {@link BearerAuthHandler}s that require
 * scopes, and reads the authenticated {@link AccessTokenPrincipal} back from a routing context.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750">RFC 6750: Bearer Token Usage</a>
 */
public final class BearerAuth {

  private final TokenVerifier verifier;

  public BearerAuth(TokenVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /** Wires a JWKS cache and verifier for the config, using the system UTC clock. */
  public static BearerAuth create(Vertx vertx, BearerAuthConfig config) {
    return create(vertx, config, Clock.systemUTC());
  }

  /** Wires a JWKS cache and verifier for the config with the given clock. */
  public static BearerAuth create(Vertx vertx, BearerAuthConfig config, Clock clock) {
    return new BearerAuth(new TokenVerifier(new JwksCache(vertx, config, clock), config, clock));
  }

  /** A handler admitting requests whose valid token grants all of the given scopes (none: any valid token). */
  public BearerAuthHandler requireScopes(String... scopes) {
    return new BearerAuthHandler(verifier, Set.of(scopes));
  }

  /**
   * The principal a {@link BearerAuthHandler} stored for this request.
   *
   * @throws IllegalStateException if the route is not protected by a {@link BearerAuthHandler}
   */
  public static AccessTokenPrincipal principal(RoutingContext ctx) {
    AccessTokenPrincipal principal = ctx.get(AccessTokenPrincipal.CONTEXT_KEY);
    if (principal == null) {
      throw new IllegalStateException("no authenticated principal; mount a BearerAuthHandler before this handler");
    }
    return principal;
  }
}
