package eu.panosc.aai.protocol;

import eu.panosc.platform.http.ProtocolError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An OAuth 2.0 error, rendered the way its endpoint must answer: as JSON (RFC 6749 §5.2) with the status
 * the RFC gives ({@code invalid_client} after HTTP Basic carries a {@code WWW-Authenticate: Basic}
 * challenge); as a bearer-token challenge (RFC 6750 §3) at protected resources such as userinfo; or, at
 * the authorization endpoint once the redirect_uri is known to be registered, as a redirect back to the
 * client (RFC 6749 §4.1.2.1) carrying {@code error}, {@code error_description}, {@code state} and
 * {@code iss} (RFC 9207).
 */
public final class OAuthError extends RuntimeException implements ProtocolError {
  private final String error;
  private final int status;
  private final boolean basicChallenge;
  private final Integer retryAfterSeconds;
  private final boolean bearerChallenge;
  private final String redirectUri;
  private final String state;
  private final String issuer;

  private OAuthError(String error, String description, int status, boolean basicChallenge, Integer retryAfter) {
    this(error, description, status, basicChallenge, retryAfter, false, null, null, null);
  }

  private OAuthError(String error, String description, int status, boolean basicChallenge, Integer retryAfter,
      boolean bearerChallenge, String redirectUri, String state, String issuer) {
    super(description, null, false, false);
    this.error = error;
    this.status = status;
    this.basicChallenge = basicChallenge;
    this.retryAfterSeconds = retryAfter;
    this.bearerChallenge = bearerChallenge;
    this.redirectUri = redirectUri;
    this.state = state;
    this.issuer = issuer;
  }

  /** This error sent back to the client's (validated) redirect URI (RFC 6749 §4.1.2.1, RFC 9207). */
  public OAuthError toRedirect(String redirectUri, String state, String issuer) {
    return new OAuthError(error, getMessage(), 302, false, null, false, java.util.Objects.requireNonNull(redirectUri),
        state, issuer);
  }

  /** RFC 6749 §5.2 invalid_grant: code or refresh token invalid, expired, revoked, used, or for another client. */
  public static OAuthError invalidGrant(String description) {
    return new OAuthError("invalid_grant", description, 400, false, null);
  }

  /** RFC 6749 §4.1.2.1. */
  public static OAuthError unsupportedResponseType(String description) {
    return new OAuthError("unsupported_response_type", description, 400, false, null);
  }

  /** RFC 6749 §4.1.2.1 and RFC 8628 §3.5: the person (or the provider) denied the request. */
  public static OAuthError accessDenied(String description) {
    return new OAuthError("access_denied", description, 400, false, null);
  }

  /** RFC 8628 §3.5: the person has not yet approved or denied the device's request; keep polling. */
  public static OAuthError authorizationPending(String description) {
    return new OAuthError("authorization_pending", description, 400, false, null);
  }

  /**
   * RFC 8628 §3.5 {@code slow_down}: the device polled faster than its interval, which is now raised by
   * 5 seconds. (Not the 429 {@link #slowDown(int)} of the per-client rate limit.)
   */
  public static OAuthError pollingTooFast(String description) {
    return new OAuthError("slow_down", description, 400, false, null);
  }

  /** RFC 8628 §3.5: the device code expired before it was approved; the device must start again. */
  public static OAuthError expiredToken(String description) {
    return new OAuthError("expired_token", description, 400, false, null);
  }

  /** OIDC Core §3.1.2.6: prompt=none but the person must log in. */
  public static OAuthError loginRequired(String description) {
    return new OAuthError("login_required", description, 400, false, null);
  }

  /** OIDC Core §3.1.2.6: prompt=none but the person must consent. */
  public static OAuthError consentRequired(String description) {
    return new OAuthError("consent_required", description, 400, false, null);
  }

  /**
   * OpenID Connect Core Unmet Authentication Requirements 1.0: the provider (here: the upstream identity provider)
   * could not authenticate the person as the client required ({@code acr_values}).
   */
  public static OAuthError unmetAuthenticationRequirements(String description) {
    return new OAuthError("unmet_authentication_requirements", description, 400, false, null);
  }

  /** OIDC Core §6: the request or request_uri parameter. */
  public static OAuthError requestNotSupported(String description) {
    return new OAuthError("request_not_supported", description, 400, false, null);
  }

  /** RFC 6750 §3.1: 401 with a {@code WWW-Authenticate: Bearer} challenge. */
  public static OAuthError invalidToken(String description) {
    return new OAuthError("invalid_token", description, 401, false, null, true, null, null, null);
  }

  /** RFC 6750 §3.1: 403, the token lacks a scope. */
  public static OAuthError insufficientScope(String description) {
    return new OAuthError("insufficient_scope", description, 403, false, null, true, null, null, null);
  }

  public static OAuthError invalidRequest(String description) {
    return new OAuthError("invalid_request", description, 400, false, null);
  }

  /** RFC 6749 §5.2: 401 with a challenge when the client tried HTTP Basic, else 401 too (we always answer 401). */
  public static OAuthError invalidClient(String description, boolean usedBasic) {
    return new OAuthError("invalid_client", description, 401, usedBasic, null);
  }

  public static OAuthError unauthorizedClient(String description) {
    return new OAuthError("unauthorized_client", description, 400, false, null);
  }

  public static OAuthError unsupportedGrantType(String description) {
    return new OAuthError("unsupported_grant_type", description, 400, false, null);
  }

  public static OAuthError invalidScope(String description) {
    return new OAuthError("invalid_scope", description, 400, false, null);
  }

  /** RFC 8707 §2. */
  public static OAuthError invalidTarget(String description) {
    return new OAuthError("invalid_target", description, 400, false, null);
  }

  /** Too many requests from one client: 429 with Retry-After (RFC 6585), OAuth-shaped body. */
  public static OAuthError slowDown(int retryAfterSeconds) {
    return new OAuthError("temporarily_unavailable", "too many token requests from this client; retry later", 429,
        false, retryAfterSeconds);
  }

  /**
   * RFC 7009 §2.2.1 (and RFC 6749 §4.1.2.1's {@code temporarily_unavailable}): 503 with Retry-After; the request
   * did not take effect and may be sent again.
   */
  public static OAuthError temporarilyUnavailable(String description, int retryAfterSeconds) {
    return new OAuthError("temporarily_unavailable", description, 503, false, retryAfterSeconds);
  }

  public static OAuthError serverError(String description) {
    return new OAuthError("server_error", description, 500, false, null);
  }

  public String error() {
    return error;
  }

  public int status() {
    return status;
  }

  @Override
  public void render(RoutingContext ctx) {
    if (redirectUri != null) {
      StringBuilder location = new StringBuilder(redirectUri).append(redirectUri.contains("?") ? '&' : '?')
          .append("error=").append(encode(error)).append("&error_description=").append(encode(getMessage()));
      if (state != null) {
        location.append("&state=").append(encode(state));
      }
      if (issuer != null) {
        location.append("&iss=").append(encode(issuer));
      }
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location.toString())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
      return;
    }
    if (bearerChallenge) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"" + error + "\", error_description=\""
          + getMessage().replace("\"", "'") + "\"");
    }
    var response = ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Pragma", "no-cache");
    if (basicChallenge) {
      response.putHeader("WWW-Authenticate", "Basic realm=\"panosc\"");
    }
    if (retryAfterSeconds != null) {
      response.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }
    response.end(new JsonObject().put("error", error).put("error_description", getMessage()).encode());
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
