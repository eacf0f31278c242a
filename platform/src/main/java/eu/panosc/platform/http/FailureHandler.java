package eu.panosc.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: protocol errors render themselves, {@link ApiException}s become
 * problem+json, router status codes (404, 405, 413, ...) become problem+json, and anything else is a
 * 500 whose details stay in the server log under the request id. No stack trace reaches a client.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      LOG.warn("failure after the response started (rid={}): {}", RequestIds.of(ctx), String.valueOf(ctx.failure()));
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof ProtocolError pe) {
      pe.render(ctx);
      return;
    }
    Problem problem;
    if (failure instanceof ApiException api) {
      problem = api.problem();
    } else if (failure instanceof eu.panosc.platform.input.InvalidInputException invalid) {
      problem = ApiException.invalidField(invalid.field(), invalid.reason()).problem();
    } else if (failure instanceof HttpException http) {
      problem = forStatus(http.getStatusCode(), null);
    } else if (failure == null) {
      problem = forStatus(ctx.statusCode() < 400 ? 500 : ctx.statusCode(), null);
    } else if (failure instanceof io.vertx.core.json.DecodeException) {
      problem = forStatus(400, "The request body is not valid JSON.");
    } else if (isBodyDecoding(failure)) {
      problem = forStatus(400, "The request body could not be decoded as its Content-Type says.");
    } else {
      LOG.error("unhandled failure (rid={}) on {} {}", RequestIds.of(ctx), ctx.request().method(),
          ctx.request().path(), failure);
      problem = forStatus(500, "An internal error occurred. Quote request id " + RequestIds.of(ctx)
          + " when reporting it.");
    }
    write(ctx, problem);
  }

  /**
   * Whether {@code failure} came from decoding a form or multipart body (Vert.x's {@code BodyHandler} hands such
   * bodies to Netty's decoder, which throws on a malformed escape, a missing boundary or an oversized field):
   * the client's fault, not ours.
   */
  private static boolean isBodyDecoding(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getClass().getName().startsWith("io.netty.handler.codec.http.multipart.")) {
        return true;
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().startsWith("io.netty.handler.codec.http.multipart.")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Makes {@code router} answer unmatched paths (404) and unmatched methods (405) with problem+json
   * instead of Vert.x's plain-text pages.
   */
  public static void installErrorHandlers(io.vertx.ext.web.Router router) {
    for (int status : new int[] {400, 404, 405, 406, 413, 415}) {
      router.errorHandler(status, ctx -> {
        if (!ctx.response().headWritten()) {
          write(ctx, forStatus(status, null));
        }
      });
    }
  }

  /**
   * Writes {@code problem} as the complete response. A request whose body was refused unread (413) leaves the rest
   * of that body on the connection: {@link UnreadBodies} then says {@code Connection: close}, drains and closes.
   */
  public static void write(RoutingContext ctx, Problem problem) {
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(problem.toJson(ctx.request().path(), RequestIds.of(ctx)).encode());
  }

  static Problem forStatus(int status, String detail) {
    String title = switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
    String d = detail != null ? detail : switch (status) {
      case 404 -> "No resource at this path.";
      case 405 -> "This method is not allowed on this resource.";
      case 413 -> "The request body is too large.";
      case 415 -> "The request body's media type is not supported here.";
      default -> null;
    };
    return Problem.of(status, title, d);
  }
}
