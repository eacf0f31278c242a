package eu.panosc.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per request: method, path (never the query string, which may carry codes or
 * tokens), status, bytes, duration and request id. Health probes and metric scrapes log at debug.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("eu.panosc.access");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ignored -> {
      long micros = (System.nanoTime() - start) / 1_000;
      String path = ctx.request().path();
      boolean quiet = path.endsWith("/health/live") || path.endsWith("/health/ready") || path.endsWith("/metrics");
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
}
