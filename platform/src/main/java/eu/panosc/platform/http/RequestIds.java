package eu.panosc.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-ID} when it is a sane token, else a new
 * UUID. The id is echoed in the response header, the access log and every error body.
 */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-ID";
  public static final String CONTEXT_KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(CONTEXT_KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The request id of {@code ctx}, or null outside a router. */
  public static String of(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }
}
