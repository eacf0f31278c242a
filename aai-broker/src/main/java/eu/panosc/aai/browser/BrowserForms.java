package eu.panosc.aai.browser;

import eu.panosc.aai.protocol.Opaque;
import eu.panosc.aai.protocol.Parameters;
import eu.panosc.platform.http.ProtocolError;
import eu.panosc.platform.http.RequestIds;
import eu.panosc.platform.input.InvalidInputException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pages a person sees have in common (sign-in and device verification): cookies (HttpOnly,
 * SameSite=Lax, Secure over https), the double-submit CSRF check, and a failure handler that always
 * answers an HTML page, never a stack trace.
 */
public final class BrowserForms {
  /** The double-submit CSRF cookie of every form the provider shows. */
  public static final String CSRF_COOKIE = "panosc_aai_csrf";

  private static final Logger LOG = LoggerFactory.getLogger(BrowserForms.class);

  private final String cookiePath;
  private final boolean secureCookies;
  private final long maxAgeSeconds;

  public BrowserForms(String cookiePath, boolean secureCookies, long maxAgeSeconds) {
    this.cookiePath = Objects.requireNonNull(cookiePath, "cookiePath");
    this.secureCookies = secureCookies;
    this.maxAgeSeconds = maxAgeSeconds;
  }

  public static String cookie(RoutingContext ctx, String name) {
    Cookie c = ctx.request().getCookie(name);
    return c == null ? null : c.getValue();
  }

  public void setCookie(RoutingContext ctx, String name, String value) {
    ctx.response().addCookie(Cookie.cookie(name, value).setPath(cookiePath).setHttpOnly(true).setSecure(secureCookies)
        .setSameSite(CookieSameSite.LAX).setMaxAge(maxAgeSeconds));
  }

  /** Tells the browser to forget the cookie {@code name} at once. */
  public void expireCookie(RoutingContext ctx, String name) {
    ctx.response().addCookie(Cookie.cookie(name, "").setPath(cookiePath).setHttpOnly(true).setSecure(secureCookies)
        .setSameSite(CookieSameSite.LAX).setMaxAge(0));
  }

  /** The browser's CSRF token for forms, set as a cookie when it has none yet. */
  public String csrf(RoutingContext ctx) {
    String existing = cookie(ctx, CSRF_COOKIE);
    if (existing != null && existing.length() == 43) {
      return existing;
    }
    String token = Opaque.random();
    setCookie(ctx, CSRF_COOKIE, token);
    return token;
  }

  /** The checked form body ({@link Parameters}); a malformed one is an error page (400). */
  public static MultiMap form(RoutingContext ctx) {
    try {
      return Parameters.form(ctx);
    } catch (InvalidInputException e) {
      throw notUnderstood(e);
    }
  }

  /** The checked query string ({@link Parameters}); a malformed one is an error page (400). */
  public static MultiMap query(RoutingContext ctx) {
    try {
      return Parameters.query(ctx);
    } catch (InvalidInputException e) {
      throw notUnderstood(e);
    }
  }

  private static ErrorPage notUnderstood(InvalidInputException e) {
    return new ErrorPage(400, "Request not understood", "This request could not be read (" + e.getMessage()
        + "). Go back to the application and try again.");
  }

  /** Double-submit check: the form's csrf field equals the CSRF cookie set with the form. */
  public static void checkCsrf(RoutingContext ctx, MultiMap form, String whatToDo) {
    if (!Opaque.equal(cookie(ctx, CSRF_COOKIE), form.get("csrf"))) {
      throw new ErrorPage(403, "This form could not be verified",
          "The form you sent could not be verified: it may be out of date, or it may have been sent by another site. "
              + whatToDo);
    }
  }

  /**
   * A failure handler for a person's pages.
   *
   * @param what what the person was doing, for the log ("sign-in") and the page ("Signing you in")
   * @param retry what to do after a request that could not be read
   */
  public static Handler<RoutingContext> failureHandler(String what, String doing, String retry) {
    return ctx -> {
      if (ctx.response().headWritten()) {
        ctx.response().reset();
        return;
      }
      Throwable failure = ctx.failure();
      if (failure instanceof ProtocolError pe) {
        pe.render(ctx);
        return;
      }
      if (failure instanceof InvalidInputException invalid) {
        notUnderstood(invalid).render(ctx);
        return;
      }
      int status = ctx.statusCode();
      if (failure == null && status >= 400 && status < 500) {
        new ErrorPage(status, "Request not understood", retry).render(ctx);
        return;
      }
      LOG.error("{} failure (rid={}) on {} {}", what, RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
          failure);
      new ErrorPage(500, "Something went wrong on our side", doing + " failed because of a problem on this server, "
          + "not because of anything you did. Please try again in a few minutes.").render(ctx);
    };
  }
}
