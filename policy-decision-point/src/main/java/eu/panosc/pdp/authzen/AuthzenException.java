package eu.panosc.pdp.authzen;

import eu.panosc.platform.http.ProtocolError;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/**
 * The one AuthZEN transport error: rendered as the spec's error response, the HTTP status with "an
 * error message string" as body (a JSON string, {@code application/json}), never problem+json.
 *
 * @see <a href="https://openid.net/specs/authorization-api-1_0.html">AuthZEN 1.0, Error Responses</a>
 */
public final class AuthzenException extends RuntimeException implements ProtocolError {
  private static final long serialVersionUID = 1L;
  private final int status;

  public AuthzenException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** 400 Bad Request: missing or mistyped field, malformed JSON. */
  public static AuthzenException badRequest(String message) {
    return new AuthzenException(400, message);
  }

  public int status() {
    return status;
  }

  @Override
  public void render(RoutingContext ctx) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(Json.encode(getMessage()));
  }
}
