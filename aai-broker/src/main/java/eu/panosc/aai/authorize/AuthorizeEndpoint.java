package eu.panosc.aai.authorize;

import eu.panosc.aai.session.Sessions;
import eu.panosc.aai.token.Opaque;
import eu.panosc.platform.http.ProtocolError;
import eu.panosc.platform.http.RequestIds;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of the provider: {@code GET|POST /authorize} (RFC 6749 §4.1.1, OIDC Core §3.1.2), the
 * login form's {@code POST /login} and the consent screen's {@code POST /consent}. The session cookie is
 * HttpOnly, SameSite=Lax, Secure over https; forms carry a CSRF token that must equal the
 * {@code panosc_aai_csrf} cookie (double submit). Failures become HTML pages a person can act on (never a
 * stack trace), or redirects to the client once its redirect URI is validated.
 */
public final class AuthorizeEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizeEndpoint.class);
  public static final String CSRF_COOKIE = "panosc_aai_csrf";

  private final AuthorizationRequestParser parser;
  private final AuthorizationService service;
  private final String cookiePath;
  private final boolean secureCookies;
  private final long sessionSeconds;

  public AuthorizeEndpoint(AuthorizationRequestParser parser, AuthorizationService service, String cookiePath,
      boolean secureCookies, long sessionSeconds) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.service = Objects.requireNonNull(service, "service");
    this.cookiePath = Objects.requireNonNull(cookiePath, "cookiePath");
    this.secureCookies = secureCookies;
    this.sessionSeconds = sessionSeconds;
  }

  public void mount(Router router) {
    BodyHandler form = BodyHandler.create().setBodyLimit(16 * 1024);
    router.get("/authorize").handler(ctx -> authorize(ctx, ctx.queryParams())).failureHandler(this::failure);
    router.post("/authorize").handler(form).handler(ctx -> authorize(ctx, ctx.request().formAttributes()))
        .failureHandler(this::failure);
    router.post("/login").handler(form).handler(this::login).failureHandler(this::failure);
    router.post("/consent").handler(form).handler(this::consent).failureHandler(this::failure);
  }

  private void authorize(RoutingContext ctx, MultiMap params) {
    parser.parse(params)
        .compose(p -> service.authorize(p.request(), p.client(), cookie(ctx, Sessions.COOKIE)))
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    checkCsrf(ctx, form);
    service.login(form.get("req"), form.get("username"), form.get("password"))
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  private void consent(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    checkCsrf(ctx, form);
    String decision = form.get("decision");
    if (!"approve".equals(decision) && !"deny".equals(decision)) {
      throw new ErrorPage(400, "Choice not understood", "Please choose Allow or Deny on the previous page.");
    }
    service.consent(form.get("req"), cookie(ctx, Sessions.COOKIE), "approve".equals(decision))
        .onSuccess(step -> write(ctx, step))
        .onFailure(ctx::fail);
  }

  /** Double-submit check: the form's csrf field equals the CSRF cookie set with the form. */
  private static void checkCsrf(RoutingContext ctx, MultiMap form) {
    String expected = cookie(ctx, CSRF_COOKIE);
    if (!Opaque.equal(expected, form.get("csrf"))) {
      throw new ErrorPage(403, "This form could not be verified",
          "The form you sent could not be verified: it may be out of date, or it may have been sent by another site. "
              + "Go back to the application and start signing in again.");
    }
  }

  private static String cookie(RoutingContext ctx, String name) {
    Cookie c = ctx.request().getCookie(name);
    return c == null ? null : c.getValue();
  }

  private Cookie newCookie(String name, String value, long maxAgeSeconds) {
    return Cookie.cookie(name, value).setPath(cookiePath).setHttpOnly(true).setSecure(secureCookies)
        .setSameSite(CookieSameSite.LAX).setMaxAge(maxAgeSeconds);
  }

  private String csrf(RoutingContext ctx) {
    String existing = cookie(ctx, CSRF_COOKIE);
    if (existing != null && existing.length() == 43) {
      return existing;
    }
    String token = Opaque.random();
    ctx.response().addCookie(newCookie(CSRF_COOKIE, token, sessionSeconds));
    return token;
  }

  private void write(RoutingContext ctx, AuthorizationService.Step step) {
    switch (step) {
      case AuthorizationService.LoggedIn in -> {
        ctx.response().addCookie(newCookie(Sessions.COOKIE, in.sessionId(), sessionSeconds));
        write(ctx, in.next());
      }
      case AuthorizationService.Login l -> Pages.write(ctx, 200, Pages.login(l.pendingId(), csrf(ctx), l.clientName(),
          service.connector().map(c -> "Sign in with: " + c.displayName()).orElse(""), l.message()));
      case AuthorizationService.Consent c -> Pages.write(ctx, 200, Pages.consent(c.pendingId(), csrf(ctx), c.client(),
          c.userName(), c.request().scopes()));
      case AuthorizationService.Redirect r -> ctx.response().setStatusCode(302)
          .putHeader(HttpHeaders.LOCATION, r.location()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }
  }

  /** Every failure on these routes is HTML for the person, or a redirect to the validated client. */
  private void failure(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Throwable failure = ctx.failure();
    if (failure instanceof ProtocolError pe) {
      pe.render(ctx);
      return;
    }
    int status = ctx.statusCode();
    if (failure == null && status >= 400 && status < 500) {
      new ErrorPage(status, "Request not understood", "This sign-in request could not be read. Go back to the "
          + "application and try again.").render(ctx);
      return;
    }
    LOG.error("sign-in failure (rid={}) on {} {}", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
        failure);
    new ErrorPage(500, "Something went wrong on our side", "Signing you in failed because of a problem on this "
        + "server, not because of anything you did. Please try again in a few minutes.").render(ctx);
  }
}
