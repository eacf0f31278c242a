package eu.panosc.aai.oauth;

import eu.panosc.platform.http.ProtocolError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An OAuth 2.0 error response (RFC 6749 §5.2): {@code {"error", "error_description"}} with the
 * status the RFC gives; {@code invalid_client} after HTTP Basic carries a {@code WWW-Authenticate}
 * challenge (401).
 */
public final class OAuthError extends RuntimeException implements ProtocolError {
  private final String error;
  private final int status;
  private final boolean basicChallenge;
  private final Integer retryAfterSeconds;

  private OAuthError(String error, String description, int status, boolean basicChallenge, Integer retryAfter) {
    super(description, null, false, false);
    this.error = error;
    this.status = status;
    this.basicChallenge = basicChallenge;
    this.retryAfterSeconds = retryAfter;
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
}
