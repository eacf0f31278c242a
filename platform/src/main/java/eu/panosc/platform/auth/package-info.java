/**
 * Bearer-token authentication for service APIs: JWT access tokens (RFC 9068) verified against a JWKS.
 *
 * <p>Mount with {@code router.route("/x").handler(bearerAuth.requireScopes("x:read"))} and read the caller
 * with {@link eu.panosc.platform.auth.BearerAuth#principal(io.vertx.ext.web.RoutingContext)}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068: JWT Profile for OAuth 2.0 Access Tokens</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750">RFC 6750: Bearer Token Usage</a>
 */
package eu.panosc.platform.auth;
