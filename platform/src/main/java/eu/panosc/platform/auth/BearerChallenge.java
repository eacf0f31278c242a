package eu.panosc.platform.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Set;

/**
 * A bearer-token rejection: status, {@code WWW-Authenticate} challenge and RFC 9457 problem body.
 *
 * @param status 401 or 403
 * @param error RFC 6750 error code, or {@code null} when credentials were simply missing
 * @param detail short client-safe reason (never the token)
 * @param scope required scopes for {@code insufficient_scope}, else {@code null}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3: The WWW-Authenticate Response Header Field</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457: Problem Details for HTTP APIs</a>
 */
record BearerChallenge(int status, String error, String detail, String scope) {

  static final String REALM = "panosc";
  static final String PROBLEM_JSON = "application/problem+json";

  BearerChallenge {
    Objects.requireNonNull(detail, "detail");
  }

  /** RFC 6750 §3.1: no credentials (or another scheme) → no error code. */
  static BearerChallenge missing(String detail) {
    return new BearerChallenge(401, null, detail, null);
  }

  /**
   * RFC 6750 §3.1 invalid_request. The RFC suggests 400; we answer 401 so that every authentication
   * failure on a protected route has the same status.
   */
  static BearerChallenge invalidRequest(String detail) {
    return new BearerChallenge(401, "invalid_request", detail, null);
  }

  /** RFC 6750 §3.1 invalid_token: expired, revoked, malformed or otherwise invalid. */
  static BearerChallenge invalidToken(String detail) {
    return new BearerChallenge(401, "invalid_token", detail, null);
  }

  /** RFC 6750 §3.1 insufficient_scope: valid token without the required scopes. */
  static BearerChallenge insufficientScope(Set<String> required) {
    String scope = String.join(" ", required);
    return new BearerChallenge(403, "insufficient_scope", "insufficient scope, required: " + scope, scope);
  }

  String wwwAuthenticate() {
    StringBuilder sb = new StringBuilder("Bearer realm=").append(quote(REALM));
    if (error != null) {
      sb.append(", error=").append(quote(error));
      sb.append(", error_description=").append(quote(detail));
    }
    if (scope != null) {
      sb.append(", scope=").append(quote(scope));
    }
    return sb.toString();
  }

  JsonObject problem(Object requestId) {
    JsonObject body = new JsonObject()
        .put("type", "about:blank")
        .put("title", status == 403 ? "Forbidden" : "Unauthorized")
        .put("status", status)
        .put("detail", detail);
    if (requestId != null) {
      body.put("requestId", String.valueOf(requestId));
    }
    return body;
  }

  void write(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("WWW-Authenticate", wwwAuthenticate())
        .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(problem(ctx.get("requestId")).encode());
  }

  /** RFC 9110 §5.6.4 quoted-string; anything outside printable ASCII becomes '?' (no header injection). */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        sb.append('?');
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
