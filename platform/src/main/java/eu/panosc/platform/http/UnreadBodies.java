package eu.panosc.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Keeps an HTTP/1.x connection usable, or ends it cleanly, when a response is sent before its request's body
 * was read: a route that takes no body (e.g. {@code POST .../approve}), a body refused as too large (413), a
 * request refused before its body handler ran (401). Such an answer says {@code Connection: close}; once it is
 * written the rest of the body is read and discarded (at most {@value #MAX_DRAIN_BYTES} bytes, for at most
 * {@value #MAX_DRAIN_MILLIS} ms) and the connection is closed. Closing at once, with the body still arriving,
 * would make the kernel reset the connection and the client could lose the answer; leaving the body unread
 * would leave the client waiting forever. HTTP/2 needs none of this: the stream ends on its own.
 * Install it as the first handler of the root router.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112#section-9.6">RFC 9112 §9.6: tear-down</a>
 */
public final class UnreadBodies implements Handler<RoutingContext> {
  static final long MAX_DRAIN_BYTES = 4L * 1024 * 1024;
  static final long MAX_DRAIN_MILLIS = 1_000;

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() != HttpVersion.HTTP_2 && declaresBody(request) && !request.isEnded()) {
      boolean[] unread = {false};
      ctx.addHeadersEndHandler(v -> {
        if (!request.isEnded()) {
          unread[0] = true;
          ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
      });
      ctx.addEndHandler(done -> {
        if (unread[0]) {
          drainThenClose(ctx);
        }
      });
    }
    ctx.next();
  }

  /**
   * Whether the request says it carries a body ({@code Content-Length} above 0, or chunked). A request without one
   * has nothing left unread even while its end is still being processed; and an {@code Upgrade} request (h2c) may
   * be answered over HTTP/2, where {@code Connection} is not allowed.
   */
  static boolean declaresBody(HttpServerRequest request) {
    if (request.headers().contains(HttpHeaders.UPGRADE)) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        return Long.parseLong(length.trim()) > 0;
      } catch (NumberFormatException e) {
        return true; // malformed: the codec refuses it anyway; be safe and close
      }
    }
    String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    return encoding != null && !encoding.isBlank();
  }

  private static void drainThenClose(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    var connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long[] drained = {0};
    long timer = ctx.vertx().setTimer(MAX_DRAIN_MILLIS, id -> connection.close());
    try {
      request.handler(chunk -> {
        drained[0] += chunk.length();
        if (drained[0] > MAX_DRAIN_BYTES) {
          ctx.vertx().cancelTimer(timer);
          connection.close();
        }
      });
      request.endHandler(v -> {
        ctx.vertx().cancelTimer(timer);
        connection.close();
      });
      request.exceptionHandler(e -> {
        ctx.vertx().cancelTimer(timer);
        connection.close();
      });
      request.resume();
    } catch (IllegalStateException alreadyRead) {
      // a body handler consumed part of it and stopped: nothing more can be read here
      ctx.vertx().cancelTimer(timer);
      connection.close();
    }
  }
}
