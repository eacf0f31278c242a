package eu.panosc.platform.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Reads request bodies of our own APIs, failing with problem+json that says what is wrong. */
public final class JsonBodies {
  private JsonBodies() {}

  /** The body as a JSON object; 415 when not JSON, 400 when malformed or not an object. */
  public static JsonObject object(RoutingContext ctx) {
    if (!isJson(ctx.request().getHeader("Content-Type"))) {
      throw new ApiException(FailureHandler.forStatus(415, "Send the body as application/json."));
    }
    // Vert.x 5 holds no buffer at all (length -1) for an empty body.
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("The request body is empty; a JSON object is expected.");
    }
    try {
      Object v = io.vertx.core.json.Json.decodeValue(body);
      if (v instanceof JsonObject o) {
        return o;
      }
      throw ApiException.badRequest("The request body must be a JSON object.");
    } catch (DecodeException e) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
  }

  /** {@code application/json} or any {@code +json} type, parameters ignored, case-insensitive (RFC 9110). */
  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
        .toLowerCase(Locale.ROOT);
    return type.equals("application/json") || (type.endsWith("+json") && type.indexOf('/') > 0);
  }
}
