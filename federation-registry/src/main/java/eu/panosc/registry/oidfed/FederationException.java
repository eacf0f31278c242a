package eu.panosc.registry.oidfed;

import eu.panosc.platform.http.ProtocolError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * The one error of the federation endpoints, rendered as the spec's JSON error object
 * ({@code {"error": ..., "error_description": ...}}, {@code application/json}).
 *
 * @see <a href="https://openid.net/specs/openid-federation-1_0.html#section-8.9">OpenID Federation 1.0 §8.9, Error Responses</a>
 */
public final class FederationException extends RuntimeException implements ProtocolError {
  private final String error;
  private final int status;

  private FederationException(String error, int status, String description, Throwable cause) {
    super(Objects.requireNonNull(description, "description"), cause);
    this.error = Objects.requireNonNull(error, "error");
    this.status = status;
  }

  public static FederationException invalidRequest(String description) {
    return new FederationException("invalid_request", 400, description, null);
  }

  public static FederationException invalidSubject(String description) {
    return new FederationException("invalid_subject", 404, description, null);
  }

  public static FederationException invalidTrustAnchor(String description) {
    return new FederationException("invalid_trust_anchor", 404, description, null);
  }

  public static FederationException invalidTrustChain(String description) {
    return new FederationException("invalid_trust_chain", 400, description, null);
  }

  public static FederationException invalidMetadata(String description, Throwable cause) {
    return new FederationException("invalid_metadata", 400, description, cause);
  }

  public static FederationException notFound(String description) {
    return new FederationException("not_found", 404, description, null);
  }

  public static FederationException unsupportedParameter(String description) {
    return new FederationException("unsupported_parameter", 400, description, null);
  }

  public static FederationException serverError(String description, Throwable cause) {
    return new FederationException("server_error", 500, description, cause);
  }

  public static FederationException temporarilyUnavailable(String description) {
    return new FederationException("temporarily_unavailable", 503, description, null);
  }

  /** {@code failure} itself when it is a federation error, else a {@code server_error} that keeps it as cause. */
  public static FederationException of(Throwable failure) {
    return failure instanceof FederationException fe ? fe
        : serverError("The federation endpoint could not complete the request.", failure);
  }

  /** The spec's error code, e.g. {@code invalid_request}. */
  public String error() {
    return error;
  }

  /** The HTTP status the spec recommends for {@link #error()}. */
  public int status() {
    return status;
  }

  /** The error object. */
  public JsonObject toJson() {
    return new JsonObject().put("error", error).put("error_description", getMessage());
  }

  @Override
  public void render(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, FederationMediaTypes.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(toJson().encode());
  }
}
