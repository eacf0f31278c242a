package eu.panosc.platform.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads request bodies of our own APIs, failing with problem+json that says what is wrong. */
public final class JsonBodies {
  private JsonBodies() {}

  /** The body as a JSON object; 415 when not JSON, 400 when malformed or not an object. */
  public static JsonObject object(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !(type.startsWith("application/json") || type.contains("+json"))) {
      throw new ApiException(FailureHandler.forStatus(415, "Send the body as application/json."));
    }
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw ApiException.badRequest("The request body is empty; a JSON object is expected.");
    }
    try {
      Object v = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (v instanceof JsonObject o) {
        return o;
      }
      throw ApiException.badRequest("The request body must be a JSON object.");
    } catch (DecodeException e) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
  }
}
