package eu.panosc.platform.service;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One more HTTP server on the platform's port, on its own event loop: Vert.x spreads connections over the
 * servers sharing a port, so the mounted routers are served by several event loops. Stops like the main
 * server: lets in-flight requests finish within the grace period.
 */
final class ServerInstance extends VerticleBase {
  private final HttpServerOptions options;
  private final Handler<HttpServerRequest> handler;
  private final Duration grace;
  private HttpServer server;

  ServerInstance(HttpServerOptions options, Handler<HttpServerRequest> handler, Duration grace) {
    this.options = new HttpServerOptions(Objects.requireNonNull(options, "options"));
    this.handler = Objects.requireNonNull(handler, "handler");
    this.grace = Objects.requireNonNull(grace, "grace");
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(options);
    return server.requestHandler(handler).listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }
}
