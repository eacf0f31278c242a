package eu.panosc.registry.oidfed;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Writes federation responses with their exact media types and cache headers. */
public final class FederationResponseWriter {
  /** Signed statements change with key rotation and registry updates: cache briefly. */
  public static final String SHORT_CACHE = "public, max-age=60";

  private FederationResponseWriter() {}

  public static void jwt(RoutingContext ctx, String mediaType, String jwt, String cacheControl) {
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, mediaType)
        .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
        .end(jwt);
  }

  public static void ids(RoutingContext ctx, List<String> ids) {
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, FederationMediaTypes.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, SHORT_CACHE)
        .end(new JsonArray(ids).encode());
  }
}
