package eu.panosc.platform.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/** A real HTTP server wired like the platform: request ids, access log, body handler, failure handler. */
final class ApiFixture {
  static final long BODY_LIMIT = 1024;

  private ApiFixture() {}

  static HttpServer start(Vertx vertx, Consumer<Router> routes) {
    return start(vertx, routes, true);
  }

  /** Like {@link #start} but the routes bring their own body handlers, as the services do. */
  static HttpServer startWithoutBodyHandler(Vertx vertx, Consumer<Router> routes) {
    return start(vertx, routes, false);
  }

  private static HttpServer start(Vertx vertx, Consumer<Router> routes, boolean bodyHandler) {
    Router router = Router.router(vertx);
    router.route().handler(new UnreadBodies()).handler(new RequestIds()).handler(new AccessLog());
    if (bodyHandler) {
      // Vert.x 5: a BODY handler must not follow USER handlers on the same route.
      router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    }
    routes.accept(router);
    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    // No route matched: the router's own 404/405 go through the same handler.
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    // as PlatformVerticle serves: with response compression
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setCompressionSupported(!bodyHandler))
        .requestHandler(router).listen(0, "localhost").await();
  }

  /** Captures events of {@code loggerName}; detach with {@link #detach}. */
  static ListAppender<ILoggingEvent> capture(String loggerName) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(loggerName)).addAppender(appender);
    return appender;
  }

  static void detach(String loggerName, ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(loggerName)).detachAppender(appender);
    appender.stop();
  }
}
