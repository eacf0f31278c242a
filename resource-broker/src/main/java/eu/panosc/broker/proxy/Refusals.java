package eu.panosc.broker.proxy;

import eu.panosc.broker.access.AccessException;
import eu.panosc.platform.http.ApiException;
import eu.panosc.platform.http.FailureHandler;
import eu.panosc.platform.http.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Writes refusals to reach, share or extend a session: problem+json (RFC 9457) for API clients, a small HTML page
 * for browsers (a request whose {@code Accept} prefers {@code text/html}). A 401 carries a bearer challenge.
 */
public final class Refusals {
  static final String TYPE = Problem.TYPE_BASE + "session-access";

  private Refusals() {}

  /** Renders {@code e}: an {@link AccessException} as described, anything else through the platform's failure handler. */
  public static void fail(RoutingContext rc, Throwable e) {
    if (!(e instanceof AccessException a)) {
      rc.fail(e);
      return;
    }
    if (a.kind() == AccessException.Kind.INVALID) {
      rc.fail(ApiException.invalidField(a.reason(), a.getMessage()));
      return;
    }
    write(rc, a.kind().status(), a.reason(), a.getMessage());
  }

  static void write(RoutingContext rc, int status, String reason, String detail) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    if (!rc.request().isEnded()) {
      rc.request().resume(); // let an unread body drain (the platform's UnreadBodies)
    }
    if (status == 401 && !rc.response().headers().contains("WWW-Authenticate")) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"panosc-broker\"");
    }
    if (wantsHtml(rc)) {
      rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(page(status, detail));
      return;
    }
    FailureHandler.write(rc, new Problem(TYPE, title(status), status, detail, Map.of("reason", reason)));
  }

  static boolean wantsHtml(RoutingContext rc) {
    String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
    if (accept == null) {
      return false;
    }
    int html = accept.indexOf("text/html");
    int json = accept.indexOf("json");
    return html >= 0 && (json < 0 || html < json);
  }

  private static String title(int status) {
    return switch (status) {
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }

  static String page(int status, String detail) {
    String hint = status == 401 ? "<p>Open the session from its launch link "
        + "(<code>/broker/v1/sessions/&lt;id&gt;/open</code>) after signing in, or send your bearer token.</p>\n" : "";
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status + " " + title(status)
        + "</title></head><body>\n<h1>" + title(status) + "</h1>\n<p>" + escape(detail) + "</p>\n" + hint
        + "</body></html>\n";
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
