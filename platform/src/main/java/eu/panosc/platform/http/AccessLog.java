package eu.panosc.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request: method, path (never the query string, which may carry codes or
 * tokens), status, bytes, duration and request id. Health probes, metric scrapes and long polls (a {@code wait}
 * query parameter other than 0, as the registry's change feed takes) log at debug: they repeat all the time.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("eu.panosc.access");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ignored -> {
      long micros = (System.nanoTime() - start) / 1_000;
      String path = ctx.request().path();
      boolean quiet = path.endsWith("/health/live") || path.endsWith("/health/ready") || path.endsWith("/metrics")
          || isLongPoll(ctx.request().query());
      if (quiet ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
        String line = String.format("%s %s %d %dB %.1fms rid=%s", ctx.request().method().name(), path,
            ctx.response().getStatusCode(), ctx.response().bytesWritten(), micros / 1000.0, RequestIds.of(ctx));
        if (quiet) {
          LOG.debug(line);
        } else {
          LOG.info(line);
        }
      }
    });
    ctx.next();
  }

  /** Whether the query asks the server to hold the answer: a {@code wait} parameter with a value other than 0. */
  static boolean isLongPoll(String query) {
    if (query == null) {
      return false;
    }
    int at = query.startsWith("wait=") ? 0 : query.indexOf("&wait=");
    if (at < 0) {
      return false;
    }
    int value = query.indexOf('=', at) + 1;
    int end = query.indexOf('&', value);
    String v = end < 0 ? query.substring(value) : query.substring(value, end);
    return !v.isEmpty() && !v.chars().allMatch(c -> c == '0');
  }
}
